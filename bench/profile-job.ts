// Kernel profile of the whole job's parts (bench/job-bench.ts): one FT edit, one record's scoring, one
// record's fluency generation, on models/tiny-gpt2 — kernel count and time per kernel name.
// node --import tsx bench/profile-job.ts [--top=20]
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { defaultParams, ft, initBackend, loadCheckpoint, Transformer, type EditModel } from '@editlab/engine';
import { evaluateEditRecord, fluency, modelScorer } from '@editlab/metrics';
import { jobRecords } from './job-bench';
import { kernelTable } from './kernel-table';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const get = (n: string, d: string) => process.argv.find((a) => a.startsWith(`--${n}=`))?.split('=')[1] ?? d;
const top = Number(get('top', '20'));
await initBackend();
const ck = await loadCheckpoint(join(ROOT, 'models', get('model', 'tiny-gpt2')));
const model: EditModel = { transformer: Transformer.fromWeights(ck.config, ck.weights), tokenizer: ck.tokenizer! };
const [warm, r] = jobRecords(2) as [ReturnType<typeof jobRecords>[0], ReturnType<typeof jobRecords>[0]];
const scorer = modelScorer(model.transformer, model.tokenizer);
const req = (x: typeof r) => [{ prompt: x.prompt, subject: x.subject, targetNew: x.targetNew, targetTrue: x.targetTrue, relationId: x.relationId }];
const splits = new Set(['edit', 'paraphrase', 'neighbourhood'] as const);
// warm-up record
ft.apply(model, req(warm), defaultParams(ft), { seed: 0 }).undo();
await evaluateEditRecord(scorer, warm, splits);
await fluency(scorer, warm.generationPrompts, { maxLength: 64 });

async function show(label: string, f: () => Promise<unknown> | unknown): Promise<void> {
  const t0 = performance.now();
  await f();
  const plain = performance.now() - t0;
  const prof = await tf.profile(async () => { await f(); });
  const table = kernelTable(prof);
  console.log(`\n${label}: ${plain.toFixed(1)} ms wall unprofiled; ${prof.kernels.length} kernels, ${table.totalMs.toFixed(1)} ms kernel time`);
  for (const e of table.rows.slice(0, top)) console.log(`  ${e.name.padEnd(24)} ${e.ms.toFixed(2).padStart(8)} ms  ${String(e.calls).padStart(6)} calls`);
}
let steps = 0;
await show('FT edit', () => { const e = ft.apply(model, req(r), defaultParams(ft), { seed: 0 }); steps = e.stats.losses?.['learn']?.length ?? 0; e.undo(); });
console.log(`  (${steps} steps)`);
await show('scoring', () => evaluateEditRecord(scorer, r, splits));
await show('generation', () => fluency(scorer, r.generationPrompts, { maxLength: 64 }));
model.transformer.dispose();
