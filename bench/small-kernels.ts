// The small native kernels of 12-03 against what they replace, alternating in one run (not a test):
// global-norm clipping of a tiny-v2 model's 68 gradients (kernels/grads.ts: two calls against Square + Sum + Multiply
// per gradient), the embedding gradient's UnsortedSegmentSum (2,048 ids into [2048, 128]: native against the JS
// loop) and a greedy decode step's ArgMax ([8, 2048]: native against the stock wasm kernel).
// node --import tsx bench/small-kernels.ts [--rounds=5]
import * as tf from '@tensorflow/tfjs';
import { clipGlobalNorm, initBackend, registerWasmKernels } from '@editlab/engine';
import { median } from './sizes';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? '5');
await initBackend();
const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
// the tiny-v2 model's parameters: embeddings, 4 blocks of GPT-2 style (d 128, d_mlp 512), the final norm
const shapes = [[2048, 128], [128, 128], ...Array.from({ length: 4 }, () => [[128], [128], [128, 384], [384], [128, 128], [128], [128], [128], [128, 512], [512], [512, 128], [128]]).flat(), [128], [128]];
const grads = shapes.map((s, i) => rand(s, i));
const dy = rand([2048, 128], 99);
const ids = tf.tensor1d(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 2048), 'int32');
const logits = rand([8, 2048], 7);

const cases: Record<string, { calls: number; run: () => void }> = {
  'clip (68 gradients)': { calls: 20, run: () => { const out = clipGlobalNorm(grads.map((g) => g.clone()), 1e-3); tf.dispose(out); } },
  'UnsortedSegmentSum [2048 ids, 128]': { calls: 50, run: () => tf.unsortedSegmentSum(dy, ids, 2048).dispose() },
  'ArgMax [8, 2048]': { calls: 500, run: () => tf.argMax(logits, 1).dispose() },
};

function time(c: { calls: number; run: () => void }): number {
  for (let i = 0; i < 3; i++) c.run();
  const t0 = performance.now();
  for (let i = 0; i < c.calls; i++) c.run();
  return ((performance.now() - t0) / c.calls) * 1000;
}

// the kernels in place without (before) and with the native ones, captured once; a round swaps them in
const NAMES = ['ArgMax', 'UnsortedSegmentSum', 'EditlabSumSquares', 'EditlabScaleAll'];
registerWasmKernels({ nativeElementwise: false });
const before = new Map(NAMES.map((k) => [k, k.startsWith('Editlab') ? undefined : tf.getKernel(k, 'wasm')])); // lists: composed
registerWasmKernels();
const native = new Map(NAMES.map((k) => [k, tf.getKernel(k, 'wasm')]));
function use(set: Map<string, tf.KernelConfig | undefined>): void {
  for (const [k, config] of set) {
    if (tf.getKernel(k, 'wasm')) tf.unregisterKernel(k, 'wasm');
    if (config) tf.registerKernel({ ...config, setupFunc: undefined });
  }
}

const us: Record<string, { native: number[]; before: number[] }> = {};
for (let r = 0; r < rounds; r++) {
  for (const on of [true, false]) {
    use(on ? native : before);
    for (const [name, c] of Object.entries(cases)) ((us[name] ??= { native: [], before: [] })[on ? 'native' : 'before']).push(time(c));
  }
}
registerWasmKernels();

for (const [name, v] of Object.entries(us)) {
  const n = median(v.native);
  const b = median(v.before);
  console.log(`${name.padEnd(36)} native ${n.toFixed(1).padStart(8)} µs   before ${b.toFixed(1).padStart(8)} µs   ratio ${(n / b).toFixed(2)}`);
}
