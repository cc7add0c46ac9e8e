// EditlabLinear (kernels/fused.ts `linearBias`, backend/fused-matmul.ts `linearNative`) must give the bits of the
// `_FusedMatMul` call it replaces, outside the tape and, as one custom-gradient op, under it.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { linearBias } from '../kernels/fused';
import { FUSED_KERNELS } from '../kernels/names';
import { tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { initBackend } from './index';
import { loadNativeAddon } from './native';
import { registerWasmKernels } from './register';
import { randomValues } from './testing';

const native = loadNativeAddon();
const skip = native.addon ? undefined : native.reason ?? 'the native addon is not built (npm run build:native -w @editlab/engine)';

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
