// The FT edit of the whole job's records (bench/job-bench.ts: one MLP, default parameters) timed alone, with the number
// of loops per edit that ran split over OpenBLAS's workers (native/src/par.c). Compare thresholds with
// EDITLAB_SPLIT_MIN=<work> or the split off with EDITLAB_BLAS_WORKERS=0.
// node --import tsx bench/ft-split.ts [--records=30]
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultParams, ft, initBackend, loadCheckpoint, loadNativeAddon, Transformer, type EditModel } from '@editlab/engine';
import { jobRecords } from './job-bench';
const ROOT = fileURLToPath(new URL('../', import.meta.url));
await initBackend();
const addon = loadNativeAddon().addon;
if (!addon) throw new Error('needs the native addon (npm run build:native -w @editlab/engine)');
const ck = await loadCheckpoint(join(ROOT, 'models', 'tiny-gpt2'));
const model: EditModel = { transformer: Transformer.fromWeights(ck.config, ck.weights), tokenizer: ck.tokenizer! };
const params = defaultParams(ft);
const n = Number(process.argv.find((a) => a.startsWith('--records='))?.split('=')[1] ?? '30');
const recs = jobRecords(n);
const ts: number[] = [];
const s0 = addon.splitLoops();
for (const r of recs) {
  const t0 = performance.now();
  const e = ft.apply(model, [{ prompt: r.prompt, subject: r.subject, targetNew: r.targetNew, targetTrue: r.targetTrue, relationId: r.relationId }], params, { seed: 0 });
  ts.push(performance.now() - t0);
  e.undo();
}
ts.sort((a, b) => a - b);
console.log(`FT edit median ${ts[ts.length >> 1]!.toFixed(1)} ms, split loops per edit ${((addon.splitLoops() - s0) / recs.length).toFixed(1)}`);
