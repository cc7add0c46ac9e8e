// Benchmark (not a test): key statistics, the linear algebra on their C, and causal tracing, on a committed default
// model. Texts come from a file: JSONL (one JSON string, or an object with a "text" field, per line) or plain text
// (one text per line). Run from the repo root:
//   node --import tsx bench/key-stats.ts tiny-gpt2 texts.jsonl [maxSamples=1000]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { causalTrace, eigh, initBackend, keyStatistics, linalgPath, loadCheckpoint, mat, solve, Transformer, type LinalgPath } from '@editlab/engine';
import { FIXTURE_FACTS } from '../packages/engine/src/locate/fixtures';

const [name = 'tiny-gpt2', file, maxArg = '1000'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node --import tsx bench/key-stats.ts <model> <texts.jsonl|texts.txt> [maxSamples]');
  process.exit(1);
}
const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
const texts = file.endsWith('.jsonl')
  ? lines.map((l) => {
      const v = JSON.parse(l) as string | { text: string };
      return typeof v === 'string' ? v : v.text;
    })
  : lines;
await initBackend();
const ck = await loadCheckpoint(resolve('models', name));
const model = Transformer.fromWeights(ck.config, ck.weights);
for (const w of ck.weights.values()) w.dispose();
const tok = ck.tokenizer!;
const layers = Array.from({ length: model.config.nLayers }, (_, l) => l);
const ms = (t0: number): string => `${(performance.now() - t0).toFixed(0)} ms`;
console.log(`${name}: ${texts.length} texts; linalg ${JSON.stringify(linalgPath())}`);
const paths: LinalgPath[] = linalgPath().path === 'lapack' ? ['lapack', 'js'] : ['js'];
for (const path of paths) {
  const s = keyStatistics(model, tok, texts, { layers, maxSamples: Number(maxArg), path });
  console.log(`key statistics (${path} accumulation), layers ${layers.join(',')}: ${JSON.stringify(s.cost)}`);
  if (path !== paths[0]) continue;
  const n = s.dMlp;
  const C = mat(s.mom2.get(layers[layers.length >> 1]!)!, n, n);
  for (const p of paths) {
    let t0 = performance.now();
    const e = eigh(C, { path: p });
    const te = ms(t0);
    t0 = performance.now();
    solve(C, mat(new Float64Array(n).fill(1), n, 1), { path: p, assume: 'spd', minRcond: 0 });
    console.log(`  ${p}: eigh ${n}×${n} ${te}, SPD solve ${ms(t0)}; eigenvalues ${e.values[0]!.toExponential(2)} … ${e.values[n - 1]!.toExponential(2)}`);
  }
}
for (const kind of ['hidden', 'mlp', 'attn'] as const) {
  const t0 = performance.now();
  const r = causalTrace(model, tok, FIXTURE_FACTS.P17[0]!, { kind, window: 1 });
  const T = r.tokens.length;
  const L = model.config.nLayers;
  console.log(`causal trace ${kind} (window 1, 10 samples, ${T} tokens × ${L} layers): ${ms(t0)}; P_clean ${r.pClean.toFixed(4)}, P_corrupted ${r.pCorrupted.toFixed(4)}`);
  r.restored.forEach((row, t) => console.log(`  ${JSON.stringify(r.tokens[t]).padEnd(12)} ${row.map((p) => p.toFixed(3)).join(' ')}`));
}
model.dispose();
