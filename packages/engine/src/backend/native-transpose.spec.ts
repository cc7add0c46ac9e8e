// The native Transpose (native/src/transpose.c) is a copy: it must place every element where the stock kernel does,
// for each permutation it takes, and leave the others (and other dtypes) to the stock kernel. EditlabLinear must give
// the bits of the `_FusedMatMul` call it replaces in kernels/fused.ts `linearBias`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { linearBias } from '../kernels/fused';
import { tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { FUSED_KERNELS } from '../kernels/names';
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

describe.skipIf(skip !== undefined)(`EditlabLinear: linearBias without its reshapes${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  beforeAll(async () => { await initBackend('wasm'); registerWasmKernels(); });

  it('gives the bits of `_FusedMatMul` on [1, N, k]·[1, k, m] (decode, scoring and threaded shapes)', () => {
    expect(tf.getKernel(FUSED_KERNELS.linear, 'wasm')).toBeDefined();
    const shapes = [[1, 64, 64], [3, 40, 24], [8, 128, 128], [8, 128, 512], [8, 512, 128], [7, 384, 1536], [128, 384, 1536], [257, 96, 1000], [2, 4, 64]];
    for (const [s, [N, k, m]] of shapes.entries()) {
      tf.tidy(() => {
        const x = tf.tensor2d(randomValues(N! * k!, 10 + s), [N!, k!]);
        const w = tf.tensor2d(randomValues(k! * m!, 20 + s).map((v) => v * 0.1), [k!, m!]);
        const bias = tf.tensor1d(randomValues(m!, 30 + s));
        const got = linearBias(x, w, bias).dataSync();
        const attrs = { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0.2 };
        const old = tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(x, [1, N!, k!]), b: tf.reshape(w, [1, k!, m!]), bias } as unknown as tf.NamedTensorMap,
          attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
        expect(new Uint32Array(new Float32Array(got).buffer), `[${N}, ${k}]·[${k}, ${m}]`).toEqual(new Uint32Array(new Float32Array(old.dataSync()).buffer));
      });
    }
  });

  it('under the tape: a model\'s loss and every gradient as with tf.fused.matMul (GPT-2; Llama with q/k/v biases)', () => {
    for (const config of [tinyConfig('gpt2', { dModel: 64, nHeads: 2 }), tinyConfig('llama', { dModel: 64, nHeads: 4, nKvHeads: 2, qkvBias: true })]) {
      const model = Transformer.init(config, 21);
      let i = 0;
      for (const [name, p] of model.params) if (/\.b_/.test(name)) p.assign(tf.tensor(randomValues(p.size, 90 + i++), p.shape));
      const ids = Transformer.idsTensor([[3, 7, 2, 9, 4, 5, 1, 8, 6, 2, 11, 12], [5, 1, 8, 6, 2, 9, 3, 3, 7, 30, 31, 4]]);
      const params = [...model.params.values()];
      const grads = (): Uint32Array[] => {
        const outs = tf.tidy(() => {
          const w = tf.tensor(randomValues(2 * 12 * config.vocabSize, 5), [2, 12, config.vocabSize]);
          const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(model.forward(ids), w)) as tf.Scalar, params);
          return [value, ...params.map((p) => g[p.name]!)];
        });
        const bits = outs.map((t) => new Uint32Array(new Float32Array(t.dataSync()).buffer));
        tf.dispose(outs);
        return bits;
      };
      const linear = tf.getKernel(FUSED_KERNELS.linear, 'wasm')!;
      let calls = 0;
      tf.unregisterKernel(linear.kernelName, 'wasm');
      tf.registerKernel({ ...linear, kernelFunc: (a) => { calls++; return linear.kernelFunc(a); } });
      const direct = grads();
      tf.unregisterKernel(linear.kernelName, 'wasm');
      try {
        const fused = grads();
        expect(calls).toBeGreaterThan(0);
        fused.forEach((want, j) => expect(direct[j], `${config.arch} output ${j}`).toEqual(want));
      } finally {
        tf.registerKernel(linear);
        ids.dispose();
        model.dispose();
      }
    }
  });
});
