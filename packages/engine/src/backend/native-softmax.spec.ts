// The native Softmax (native/src/softmax.c) gives the stock tfjs-backend-wasm kernel's bits (XNNPACK's softmax, as
// the wasm SIMD build runs it): the attention patterns, and everything after them, do not move when it replaces it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index';
import { loadNativeAddon } from './native';
import { registerWasmKernels } from './register';
import { replaceKernel, restoreKernel, stockKernel } from './replace-kernel';
import { randomValues } from './testing';

const native = loadNativeAddon();
const skip = native.addon?.softmax ? undefined : native.reason ?? 'the native addon predates its softmax (npm run build:native -w @editlab/engine)';

/** Softmax of x [rows, n] with the stock kernel and with the native one, as raw float bits. */
function bothWays(x: Float32Array, rows: number, n: number): [Uint32Array, Uint32Array] {
  const run = (): Uint32Array => {
    const y = tf.tidy(() => tf.softmax(tf.tensor2d(x, [rows, n])));
    const bits = new Uint32Array((y.dataSync() as Float32Array).slice().buffer);
    y.dispose();
    return bits;
  };
  const native = tf.getKernel('Softmax', 'wasm')!;
  restoreKernel('Softmax', 'wasm');
  const want = run();
  replaceKernel('Softmax', 'wasm', native.kernelFunc);
  return [want, run()];
}

function firstDiff(a: Uint32Array, b: Uint32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe.skipIf(skip !== undefined)(`native Softmax vs tfjs-backend-wasm's${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  beforeAll(async () => { await initBackend('wasm'); registerWasmKernels({ nativeElementwise: true }); });
  afterAll(() => { registerWasmKernels(); });

  it('replaces the stock kernel', () => {
    expect(tf.getKernel('Softmax', 'wasm')!.kernelFunc).not.toBe(stockKernel('Softmax', 'wasm').kernelFunc);
  });

  it('every row length 1..80 and the models\' lengths: the same bits', () => {
    const lengths = [...Array.from({ length: 80 }, (_, i) => i + 1), 96, 127, 128, 129, 255, 512, 2048, 2053];
    for (const [i, n] of lengths.entries()) {
      const rows = 37;
      const x = randomValues(rows * n, 900 + i).map((v, j) => v * (1 + (j % 7) * 4)); // logits up to ±25
      const [want, got] = bothWays(x, rows, n);
      expect(firstDiff(got, want), `n = ${n}`).toBe(-1);
    }
  });

  it('attention rows: causal masks (−1e9 and −inf), ties, huge and tiny spreads', () => {
    const n = 48;
    const rows = 200;
    const x = randomValues(rows * n, 77).map((v) => v * 30);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < n; j++) {
        const at = r * n + j;
        if (r % 4 === 0 && j > r % n) x[at] = -1e9; // causal mask, as forward.ts adds it
        if (r % 4 === 1 && j > r % n) x[at] = Number.NEGATIVE_INFINITY;
        if (r % 4 === 2) x[at] = 0.5; // a flat row: every exp is 1
        if (r % 4 === 3 && j % 2) x[at] = x[at]! * 1e-6; // values near each other
      }
    }
    const [want, got] = bothWays(x, rows, n);
    expect(firstDiff(got, want)).toBe(-1);
  });

  it('gradient through the native kernel equals the stock one\'s', () => {
    const x = tf.tensor2d(randomValues(16 * 29, 5).map((v) => v * 6), [16, 29]);
    const dy = tf.tensor2d(randomValues(16 * 29, 6), [16, 29]);
    const g = () => new Uint32Array(tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.softmax(z), dy)))(x).dataSync().slice().buffer);
    const native = tf.getKernel('Softmax', 'wasm')!;
    restoreKernel('Softmax', 'wasm');
    const want = g();
    replaceKernel('Softmax', 'wasm', native.kernelFunc);
    expect(firstDiff(g(), want)).toBe(-1);
    x.dispose();
    dy.dispose();
  });
});
