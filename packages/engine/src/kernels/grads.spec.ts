// Global-norm clipping through the list kernels (kernels/grads.ts, native/src/grads.c) gives the composition's bits:
// the norm (Square, Sum, AddN, Sqrt) and the scaled gradients (Multiply), for the shapes of a model's gradients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index';
import { loadNativeAddon } from '../backend/native';
import { registerWasmKernels } from '../backend/register';
import { randomValues } from '../backend/testing';
import { clipGlobalNorm, globalNorm } from '../train/clip';
import { FUSED_KERNELS } from './names';

const native = loadNativeAddon();
const skip = native.addon ? undefined : native.reason;

const SHAPES = [[2048, 128], [128], [128, 384], [384], [128, 128], [512], [128, 512], [512, 128], [], [0, 4], [1], [7, 3, 5]];

/** Gradients of those shapes; `spread` widens the magnitudes (subnormal squares, sums near overflow). */
function gradients(seed: number, spread: number): tf.Tensor[] {
  return SHAPES.map((shape, i) => {
    const n = tf.util.sizeFromShape(shape);
    const v = randomValues(n, seed * 100 + i).map((x, j) => x * 10 ** (((j * 7 + i) % (2 * spread + 1)) - spread));
    return tf.tensor(v, shape);
  });
}

const bits = (ts: tf.Tensor[]) => ts.map((t) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
/** "tensor i, element j" of the first bit difference, or 'none' (a short message, not a diff of 262,144 numbers) */
function firstDifference(a: Uint32Array[], b: Uint32Array[]): string {
  if (a.length !== b.length) return `${a.length} vs ${b.length} tensors`;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.length !== b[i]!.length) return `tensor ${i}: ${a[i]!.length} vs ${b[i]!.length} elements`;
    const j = a[i]!.findIndex((x, k) => x !== b[i]![k]);
    if (j >= 0) return `tensor ${i}, element ${j}`;
  }
  return 'none';
}

function withList<T>(on: boolean, f: () => T): T {
  registerWasmKernels();
  if (!on) for (const k of [FUSED_KERNELS.sumSquares, FUSED_KERNELS.scaleAll]) tf.unregisterKernel(k, 'wasm');
  return f();
}

describe.skipIf(skip !== undefined)(`global-norm clipping in two native calls${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  beforeAll(async () => { await initBackend('wasm'); });
  afterAll(() => { registerWasmKernels(); });

  it('the list kernels are registered with the native Sum and Softmax, and gone without them', () => {
    registerWasmKernels();
    expect(tf.getKernel(FUSED_KERNELS.sumSquares, 'wasm')).toBeDefined();
    registerWasmKernels({ nativeElementwise: false });
    expect(tf.getKernel(FUSED_KERNELS.sumSquares, 'wasm')).toBeUndefined();
    expect(tf.getKernel(FUSED_KERNELS.scaleAll, 'wasm')).toBeDefined();
    registerWasmKernels();
  });

  it('globalNorm: the same float as sqrt(addN(sum(square(g)))), over magnitudes from subnormal squares to overflow', () => {
    for (const [seed, spread] of [[1, 0], [2, 3], [3, 19], [4, 22]] as const) {
      const gs = gradients(seed, spread);
      const got = withList(true, () => globalNorm(gs));
      const want = withList(false, () => globalNorm(gs));
      expect(Object.is(got, want), `seed ${seed} spread ${spread}: ${got} vs ${want}`).toBe(true);
      tf.dispose(gs);
    }
    const inf = [tf.tensor1d([3e38, 3e38]), tf.tensor1d([1])];
    expect(withList(true, () => globalNorm(inf))).toBe(Infinity);
    tf.dispose(inf);
  });

  it('addN order: many gradients of very different sizes give the composition\'s norm', () => {
    const gs = Array.from({ length: 68 }, (_, i) => tf.tensor1d(randomValues(1 + ((i * 7919) % 3000), i).map((x) => x * (1 + (i % 9) * 1e3))));
    const got = withList(true, () => globalNorm(gs));
    const want = withList(false, () => globalNorm(gs));
    expect(Object.is(got, want)).toBe(true);
    tf.dispose(gs);
  });

  it('clipGlobalNorm: scaled gradients bit for bit, a missing gradient stays missing, inputs disposed', () => {
    const run = (on: boolean) => withList(on, () => {
      const gs: Array<tf.Tensor | undefined> = gradients(5, 2);
      gs.splice(3, 0, undefined);
      const out = clipGlobalNorm(gs, 0.5);
      expect(out[3]).toBeUndefined();
      expect(gs.filter((g) => g !== undefined).every((g) => g!.isDisposed)).toBe(true);
      const present = out.filter((g): g is tf.Tensor => g !== undefined);
      const b = bits(present);
      tf.dispose(present);
      return b;
    });
    expect(firstDifference(run(true), run(false))).toBe('none');
  });
});
