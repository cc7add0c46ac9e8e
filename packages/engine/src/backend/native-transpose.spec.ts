// The native Transpose (native/src/transpose.c) is a copy: it must place every element where the stock kernel does,
// for each permutation it takes, and leave the others (and other dtypes) to the stock kernel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index';
import { loadNativeAddon } from './native';
import { transposeBlocks } from './native-transpose';
import { registerWasmKernels } from './register';
import { replaceKernel, restoreKernel, stockKernel } from './replace-kernel';
import { randomValues } from './testing';

const native = loadNativeAddon();
const skip = native.addon?.transpose ? undefined : native.reason ?? 'the native addon predates its transpose (npm run build:native -w @editlab/engine)';

describe('transposeBlocks: a permutation as x [B, R, C, I] → y [B, C, R, I]', () => {
  it('reduces the engine\'s permutations', () => {
    expect(transposeBlocks([2048, 128], [1, 0])).toEqual([1, 2048, 128, 1]);
    expect(transposeBlocks([16, 8, 32], [1, 0, 2])).toEqual([1, 16, 8, 32]);
    expect(transposeBlocks([4, 48, 8, 32], [0, 2, 1, 3])).toEqual([4, 48, 8, 32]);
    expect(transposeBlocks([2, 3, 4], [0, 2, 1])).toEqual([2, 3, 4, 1]);
    // merged axes: [a, b, c] → [c, a, b] is a 2-D transpose of [a·b, c]
    expect(transposeBlocks([2, 3, 4], [2, 0, 1])).toEqual([1, 6, 4, 1]);
    // size-1 axes do not separate the others: [B, 1, T, dh] → [B, T, 1, dh] is a copy
    expect(transposeBlocks([4, 1, 5, 8], [0, 2, 1, 3])).toEqual([1, 1, 1, 160]);
    expect(transposeBlocks([3, 5], [0, 1])).toEqual([1, 1, 1, 15]);
  });

  it('leaves other permutations to the stock kernel', () => {
    expect(transposeBlocks([2, 3, 4], [2, 1, 0])).toBeUndefined();
    expect(transposeBlocks([2, 3, 4, 5], [3, 1, 2, 0])).toBeUndefined();
    expect(transposeBlocks([2, 3, 4, 5], [1, 0, 3, 2])).toBeUndefined();
  });
});

describe.skipIf(skip !== undefined)(`native Transpose vs tfjs-backend-wasm's${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  beforeAll(async () => { await initBackend('wasm'); registerWasmKernels({ nativeElementwise: true }); });
  afterAll(() => { registerWasmKernels(); });

  const both = (x: tf.Tensor, perm: number[]): [ArrayLike<number>, ArrayLike<number>, number[]] => {
    const mine = tf.getKernel('Transpose', 'wasm')!;
    const got = tf.transpose(x, perm);
    restoreKernel('Transpose', 'wasm');
    const want = tf.transpose(x, perm);
    replaceKernel('Transpose', 'wasm', mine.kernelFunc);
    const out: [ArrayLike<number>, ArrayLike<number>, number[]] = [got.dataSync(), want.dataSync(), got.shape];
    expect(got.shape).toEqual(want.shape);
    tf.dispose([got, want]);
    return out;
  };

  it('replaces the stock kernel', () => {
    expect(tf.getKernel('Transpose', 'wasm')!.kernelFunc).not.toBe(stockKernel('Transpose', 'wasm').kernelFunc);
  });

  it('every permutation of ranks 1-4 (float32 and int32, odd sizes, size-1 axes): the stock kernel\'s elements', () => {
    const perms = (n: number): number[][] => n === 0 ? [[]] : perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
    const shapes = [[37], [17, 33], [1, 40], [5, 1, 7], [3, 18, 5], [2, 3, 17, 19], [4, 1, 9, 8], [3, 20, 1, 6]];
    let checked = 0;
    for (const [s, shape] of shapes.entries()) {
      const n = tf.util.sizeFromShape(shape);
      for (const dtype of ['float32', 'int32'] as const) {
        const vals = randomValues(n, 40 + s);
        const x = dtype === 'float32' ? tf.tensor(vals, shape) : tf.tensor(Array.from(vals, (v) => Math.round(v * 1e6)), shape, 'int32');
        for (const perm of perms(shape.length)) {
          const [got, want] = both(x, perm);
          expect(Array.from(got), `${dtype} [${shape}] perm [${perm}]`).toEqual(Array.from(want));
          checked++;
        }
        x.dispose();
      }
    }
    expect(checked).toBe(2 * (1 + 2 + 2 + 6 + 6 + 24 + 24 + 24));
  });

  it('tile edges of a large 2-D transpose (the unembedding, [V, d] → [d, V])', () => {
    const x = tf.tensor(randomValues(2053 * 97, 5), [2053, 97]);
    const [got, want] = both(x, [1, 0]);
    expect(Array.from(got)).toEqual(Array.from(want));
    x.dispose();
  });

  it('bool takes the stock kernel', () => {
    const x = tf.tensor([[true, false, true], [false, false, true]], [2, 3], 'bool');
    expect(Array.from(tf.transpose(x).dataSync())).toEqual([1, 0, 0, 0, 1, 1]);
  });
});
