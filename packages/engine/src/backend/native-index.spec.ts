// Native ArgMax and UnsortedSegmentSum (native-index.ts) give exactly what the kernels they replace give: the stock
// wasm ArgMax (ties, NaN, ±inf, ±0, subnormals) and the JS segment sum (backend/segment-sum.ts), bit for bit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index';
import { loadNativeAddon } from './native';
import { registerWasmKernels } from './register';
import { randomValues } from './testing';

const native = loadNativeAddon();
const skip = native.addon ? undefined : native.reason;

/** Run f with the native index kernels (true) or the ones they replace (false); the outputs' data. */
function withKernels(nativeOn: boolean, f: () => tf.Tensor[]): Array<Float32Array | Int32Array> {
  registerWasmKernels({ nativeElementwise: nativeOn });
  const out = tf.tidy(f);
  const data = out.map((t) => t.dataSync() as Float32Array | Int32Array);
  tf.dispose(out);
  return data;
}

const bits = (a: Float32Array | Int32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

function bothWays(f: () => tf.Tensor[]): { got: Array<Float32Array | Int32Array>; want: Array<Float32Array | Int32Array> } {
  return { got: withKernels(true, f), want: withKernels(false, f) };
}

describe.skipIf(skip !== undefined)(`native ArgMax and UnsortedSegmentSum${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  beforeAll(async () => { await initBackend('wasm'); });
  afterAll(() => { registerWasmKernels(); });

  it('the kernels are the native ones when the addon is built', () => {
    registerWasmKernels({ nativeElementwise: true });
    const k = tf.getKernel('ArgMax', 'wasm')!;
    registerWasmKernels({ nativeElementwise: false });
    expect(tf.getKernel('ArgMax', 'wasm')!.kernelFunc).not.toBe(k.kernelFunc);
  });

  it('ArgMax: first of the largest; a NaN wins only at index 0; +0 and −0 tie; subnormals and infinities', () => {
    const rows = [
      [1, 3, 3, 2], [NaN, 1, 2, 0], [1, NaN, 2, 0], [-Infinity, -Infinity, -Infinity, -Infinity], [0, -0, 0, 1e-45],
      [-0, 0, -1, -1], [2, Infinity, NaN, Infinity], [NaN, NaN, NaN, NaN], [-3, -2, -2, -5], [1e-44, 1e-45, 1e-44, 0],
      [-Infinity, NaN, -Infinity, NaN], [1, NaN, 3, 3], [-0, NaN, 0, -1],
    ];
    const { got, want } = bothWays(() => [tf.argMax(tf.tensor2d(rows), 1), tf.argMax(tf.tensor2d(rows), -1)]);
    expect(Array.from(want[0]!)).toEqual([1, 0, 2, 0, 3, 0, 1, 0, 1, 0, 0, 2, 0]);
    expect(got.map((g) => Array.from(g))).toEqual(want.map((w) => Array.from(w)));
  });

  it('ArgMax over decode-step logits, rank 1 and 3, and another axis (stock) agree', () => {
    const v = randomValues(8 * 2048, 11);
    for (let i = 0; i < v.length; i += 97) v[i + 1] = v[i]!; // ties
    const f = () => [
      tf.argMax(tf.tensor2d(v, [8, 2048]), 1), tf.argMax(tf.tensor1d(v.subarray(0, 2048))),
      tf.argMax(tf.tensor3d(v, [4, 2, 2048]), 2), tf.argMax(tf.tensor3d(v, [4, 2, 2048]), 1), tf.argMax(tf.tensor2d(v, [8, 2048]), 0),
    ];
    const { got, want } = bothWays(f);
    expect(got.map((g) => g.length)).toEqual([8, 1, 8, 8192, 2048]);
    got.forEach((g, i) => expect(Array.from(g), `output ${i}`).toEqual(Array.from(want[i]!)));
  });

  it('UnsortedSegmentSum: repeated and out-of-range ids, bit for bit with the JS kernel', () => {
    const count = 300;
    const inner = 37;
    const x = randomValues(count * inner, 5).map((t, i) => (i % 7 === 0 ? t * 1e-38 : t * 3)); // subnormal sums too
    const ids = Array.from({ length: count }, (_, i) => (i % 11 === 0 ? -1 : i % 13 === 0 ? 64 : (i * 7) % 40));
    const f = () => [tf.unsortedSegmentSum(tf.tensor2d(x, [count, inner]), tf.tensor1d(ids, 'int32'), 50)];
    const { got, want } = bothWays(f);
    expect(got[0]!.length).toBe(50 * inner);
    expect(bits(got[0]!)).toEqual(bits(want[0]!));
    expect(Array.from(got[0]!.subarray(40 * inner)).every((t) => t === 0)).toBe(true); // no id ≥ 40 in range
  });

  it('the gradient of an embedding lookup agrees bit for bit', () => {
    const table = tf.tensor2d(randomValues(64 * 16, 9), [64, 16]);
    const ids = tf.tensor2d(Array.from({ length: 5 * 12 }, (_, i) => (i * i) % 64), [5, 12], 'int32');
    const dy = randomValues(5 * 12 * 16, 10);
    const f = () => [tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), tf.tensor3d(dy, [5, 12, 16]))))(table)];
    const { got, want } = bothWays(f);
    expect(bits(got[0]!)).toEqual(bits(want[0]!));
    expect(got[0]!.some((t) => t !== 0)).toBe(true);
    tf.dispose([table, ids]);
  });
});
