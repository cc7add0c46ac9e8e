// Benchmark (not a test): save + load a checkpoint of the perf probe's size (c) and of GPT-2 small's
// shape, timing each. Run from the repo root: node --import tsx bench/checkpoint-io.ts [gpt2small]
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, loadCheckpoint, paramCount, saveCheckpoint, Transformer, type ModelConfig } from '@editlab/engine';

await initBackend();
const probe: ModelConfig = { arch: 'gpt2', vocabSize: 8192, dModel: 384, nLayers: 6, nHeads: 6, dMlp: 1536, maxSeq: 64 };
const small: ModelConfig = { arch: 'gpt2', vocabSize: 50257, dModel: 768, nLayers: 12, nHeads: 12, dMlp: 3072, maxSeq: 1024 };
for (const [label, config] of [['probe-c', probe], ...(process.argv[2] === 'gpt2small' ? [['gpt2-small', small]] : [])] as Array<[string, ModelConfig]>) {
  const m = Transformer.init(config, 1);
  const weights = m.weights();
  const dir = mkdtempSync(join(tmpdir(), 'editlab-bench-'));
  let t0 = performance.now();
  await saveCheckpoint(dir, { config, weights });
  const saveS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const ck = await loadCheckpoint(dir);
  const loadS = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ model: label, params: paramCount(config), saveS: +saveS.toFixed(2), loadS: +loadS.toFixed(2) }));
  [weights, ck.weights].forEach((w) => w.forEach((t) => t.dispose()));
  m.dispose();
  rmSync(dir, { recursive: true });
}
console.log(`tensors left: ${tf.memory().numTensors}`);
