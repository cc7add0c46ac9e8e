// The native replacements of stock wasm kernels (Sum, Tanh, Exp) agree with the cpu backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index';
import { loadNativeAddon } from './native';
import { registerWasmKernels } from './register';
import { onBackend, randomValues, relError } from './testing';

const native = loadNativeAddon();
const skip = native.addon ? undefined : native.reason;

const SUMS: Array<{ shape: number[]; axis: number | number[]; keepDims: boolean }> = [
  { shape: [1536, 256], axis: 0, keepDims: false }, // bias gradient
  { shape: [4, 48, 96], axis: [0, 1], keepDims: false }, // bias gradient of a [B,T,D] add
  { shape: [300, 4096], axis: -1, keepDims: true }, // softmax denominators
  { shape: [7, 5, 33], axis: [1, 2], keepDims: false },
  { shape: [7, 5, 33], axis: 1, keepDims: true }, // middle axis: stock kernel
  { shape: [37], axis: 0, keepDims: false }, // all axes
  { shape: [200000], axis: 0, keepDims: false }, // all axes, multi-threaded
  { shape: [0, 8], axis: 0, keepDims: false }, // empty
];

describe.skipIf(skip !== undefined)(`native Sum/Tanh/Exp on wasm vs cpu${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  beforeAll(async () => { await initBackend('wasm'); registerWasmKernels({ nativeElementwise: true }); });
  afterAll(() => { registerWasmKernels(); });

  it('Sum over leading, trailing, middle and all axes', async () => {
    for (const [i, c] of SUMS.entries()) {
      const vals = randomValues(tf.util.sizeFromShape(c.shape), 200 + i);
      const f = () => [tf.sum(tf.tensor(vals, c.shape), c.axis, c.keepDims)];
      const [want] = await onBackend('cpu', f);
      const [got] = await onBackend('wasm', f);
      expect(relError(got!, want!), JSON.stringify(c)).toBeLessThan(1e-5);
      const shapeOn = async (b: string) => { await tf.setBackend(b); const sh = tf.tidy(() => tf.sum(tf.zeros(c.shape), c.axis, c.keepDims).shape); await tf.setBackend('wasm'); return sh; };
      expect(await shapeOn('wasm')).toEqual(await shapeOn('cpu'));
    }
  });

  it('Tanh and Exp (forward and gradient), large and small tensors', async () => {
    for (const [i, n] of [100_000, 33].entries()) {
      const vals = randomValues(n, 300 + i).map((v) => v * 8);
      for (const op of [tf.tanh, tf.exp]) {
        const f = () => { const x = tf.tensor1d(vals); return [op(x), tf.grad((z: tf.Tensor) => tf.sum(tf.mul(op(z), z)))(x)]; };
        const want = await onBackend('cpu', f);
        const got = await onBackend('wasm', f);
        got.forEach((g, j) => expect(relError(g, want[j]!), `${op.name} n=${n} output ${j}`).toBeLessThan(1e-5));
      }
    }
  });

  it('int32 Sum still goes to the stock kernel', () => {
    const s = tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([4, 6]);
    s.dispose();
  });
});
