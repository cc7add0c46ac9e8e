// One complete record of work, timed (issue 18): the FT edit of one MLP (default parameters, so the
// default number of steps with its early stopping), then the CounterFact evaluation of the record —
// rewrite, paraphrase and neighbourhood probes in one scoring call, then the fluency generations — and
// the undo, on the default checkpoint models/tiny-gpt2 and the world's CounterFact records (the
// quickstart's dataset). `benchJob` returns the editlab times and writes what PyTorch's peer
// (bench/torch_job.py) needs to redo the same work: the token ids of every edit, probe and generation
// prompt, and how many FT steps and generated tokens editlab's run took, so that both sides do equal work.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorld, parseDataset, renderCounterFact, type EditRecord } from '@editlab/datasets';
import { defaultParams, ft, loadCheckpoint, Transformer, type EditModel } from '@editlab/engine';
import { evaluateEditRecord, fluency, modelScorer, type Scorer } from '@editlab/metrics';
import { median } from './sizes';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** The runner's fluency default on the tiny models (their context window, runner adapters/edit-metrics.ts). */
const FLUENCY_MAX_LENGTH = 64;
const SPLITS = new Set(['edit', 'paraphrase', 'neighbourhood'] as const);

export interface JobResult {
  /** Per record: whole job, edit, scoring, generation (ms). */
  readonly jobMs: number[];
  readonly editMs: number[];
  readonly scoreMs: number[];
  readonly genMs: number[];
  readonly steps: number[];
  /** Each record's target NLL before its edit (the FT loss of step 1), to check the PyTorch peer's model. */
  readonly loss0: number[];
  /** Where the job file for bench/torch_job.py was written. */
  readonly jobFile: string;
}

/** The first n CounterFact records of the default world (world-counterfact, worldSeed 1, size default). */
export function jobRecords(n: number): EditRecord[] {
  const recs = parseDataset(JSON.stringify(renderCounterFact(buildWorld(1, 'default'))), 'counterfact-rome', 'world-counterfact').records;
  return recs.filter((r): r is EditRecord => r.kind === 'edit').slice(0, n);
}

/** A Scorer that records the token ids of every request, for the PyTorch peer. */
function recording(inner: Scorer, model: EditModel, log: { score: number[][][]; gen: { prompts: number[][]; newTokens: number }[] }): Scorer {
  const tok = model.tokenizer;
  const withBos = (s: string) => (tok.bosId === undefined ? tok.encode(s) : [tok.bosId, ...tok.encode(s)]);
  return {
    ...inner,
    async score(reqs) {
      log.score.push(...reqs.map((r) => [withBos(r.prompt), tok.encode(r.continuation)]));
      return inner.score(reqs);
    },
    async generate(prompts, o) {
      const out = await inner.generate(prompts, o);
      // Steps the batch ran: the longest output (re-encoded), at most maxNewTokens.
      const newTokens = Math.min(o.maxNewTokens, Math.max(...out.map((t) => tok.encode(t).length)));
      log.gen.push({ prompts: prompts.map(withBos), newTokens });
      return out;
    },
  };
}

export async function benchJob(nRecords: number, warmup: number, outDir: string): Promise<JobResult> {
  const ck = await loadCheckpoint(join(ROOT, 'models', 'tiny-gpt2'));
  const model: EditModel = { transformer: Transformer.fromWeights(ck.config, ck.weights), tokenizer: ck.tokenizer! };
  for (const w of ck.weights.values()) w.dispose();
  const params = defaultParams(ft);
  const res: JobResult = { jobMs: [], editMs: [], scoreMs: [], genMs: [], steps: [], loss0: [], jobFile: join(outDir, 'job.json') };
  const records: unknown[] = [];
  const recs = jobRecords(nRecords + warmup);
  for (const [i, r] of recs.entries()) {
    const log = { score: [] as number[][][], gen: [] as { prompts: number[][]; newTokens: number }[] };
    const scorer = recording(modelScorer(model.transformer, model.tokenizer), model, log);
    const t0 = performance.now();
    const e = ft.apply(model, [{ prompt: r.prompt, subject: r.subject, targetNew: r.targetNew, targetTrue: r.targetTrue, relationId: r.relationId }], params, { seed: 0 });
    const t1 = performance.now();
    await evaluateEditRecord(scorer, r, SPLITS);
    const t2 = performance.now();
    await fluency(scorer, r.generationPrompts, { maxLength: FLUENCY_MAX_LENGTH });
    const t3 = performance.now();
    e.undo();
    const t4 = performance.now();
    const steps = e.stats.losses?.['learn']?.length ?? (params['steps'] as number);
    if (i < warmup) continue;
    res.jobMs.push(t4 - t0);
    res.editMs.push(t1 - t0);
    res.scoreMs.push(t2 - t1);
    res.genMs.push(t3 - t2);
    res.steps.push(steps);
    res.loss0.push(e.stats.losses?.['learn']?.[0] ?? Number.NaN);
    const enc = (s: string) => model.tokenizer.encode(s);
    const bos = model.tokenizer.bosId === undefined ? [] : [model.tokenizer.bosId];
    records.push({ edit: { prompt: [...bos, ...enc(r.prompt)], target: enc(r.targetNew), steps }, score: log.score, gen: log.gen });
  }
  model.transformer.dispose();
  writeFileSync(res.jobFile, JSON.stringify({
    checkpoint: join(ROOT, 'models', 'tiny-gpt2'), layer: params['layer'], lr: params['lr'], topK: 5, warmup, records,
  }));
  return res;
}

export function jobSummary(r: JobResult): string {
  const f = (xs: number[]) => median(xs).toFixed(0);
  return `record ${f(r.jobMs)} ms (edit ${f(r.editMs)} ms in ${median(r.steps)} steps, scoring ${f(r.scoreMs)} ms, generation ${f(r.genMs)} ms)`;
}
