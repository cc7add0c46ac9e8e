// Loops split over OpenBLAS's worker threads (native/src/par.c: GELU, SwiGLU, RoPE, tanh/exp, Add, the sums, the
// cross-entropy, Adam, the norms, the attention heads) give the bits of the same loops on the calling thread alone:
// a training step (loss, every gradient, every parameter after Adam) is bitwise the same with the split on and off,
// GPT-2 and Llama style with grouped key/value heads, at shapes above the split's threshold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { adam } from '../kernels/adam';
import * as ops from '../kernels/ops';
import { tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import type { ModelConfig } from '../model/config';
import { initBackend } from './index';
import { loadNativeAddon } from './native';
import { registerWasmKernels } from './register';
import { replaceKernel, restoreKernel, stockKernel } from './replace-kernel';
import { randomValues } from './testing';

const native = loadNativeAddon();
const addon = native.addon;
const skip = addon?.setSplitParts ? undefined : native.reason ?? 'the native addon predates the split loops (npm run build:native -w @editlab/engine)';
const bits = (t: tf.Tensor) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer);

/** Two Adam steps on a fixed batch: each step's loss and gradients, then every parameter, as bits. */
function trainBits(config: ModelConfig, B: number, T: number): Uint32Array[] {
  const model = Transformer.init(config, 5);
  const rows = Array.from({ length: B }, (_, b) => Array.from({ length: T + 1 }, (_, t) => (b * 11 + t * 5 + ((b * t) % 7)) % config.vocabSize));
  const ids = Transformer.idsTensor(rows.map((r) => r.slice(0, -1)));
  const targets = tf.tensor1d(rows.flatMap((r) => r.slice(1)), 'int32');
  const mask = tf.tensor1d(randomValues(B * T, 9).map((x) => (x > -0.8 ? 1 : 0)));
  const params = [...model.params.values()];
  const opt = adam(1e-2);
  const out: Uint32Array[] = [];
  for (let step = 0; step < 2; step++) {
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.forward(ids);
      return ops.maskedCrossEntropy(logits.reshape([B * T, config.vocabSize]) as tf.Tensor2D, targets, mask);
    }, params);
    out.push(bits(value), ...params.map((p) => bits(grads[p.name]!)));
    opt.applyGradients(grads as Parameters<typeof opt.applyGradients>[0]);
    tf.dispose([value, ...Object.values(grads)]);
  }
  out.push(...params.map(bits));
  tf.dispose([ids, targets, mask]);
  opt.dispose();
  model.dispose();
  return out;
}

function firstDiff(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe.skipIf(skip !== undefined)(`loops split over OpenBLAS's workers${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  // the spec's models are small: split from 65,536 element operations (the default waits for 2^20)
  beforeAll(async () => { await initBackend('wasm'); registerWasmKernels({ blasThreads: 2 }); addon!.setSplitMin(65536); });
  afterAll(() => { addon!.setSplitParts(2); addon!.setSplitMin(0); registerWasmKernels(); });

  it('are in use with two OpenBLAS threads (OpenBLAS 0.3, pthread server)', () => {
    addon!.setSplitParts(2);
    expect(addon!.getSplitParts()).toBe(2);
    addon!.setSplitParts(1);
    expect(addon!.getSplitParts()).toBe(1);
    addon!.setSplitParts(2);
  });

  // [name, config, B, T, loops split per step]: per layer the attention forward and backward and the MLP's activation
  // forward and backward (4), Adam on the MLP's matrices (GPT-2 2, Llama 3), and the cross-entropy both ways (2); at
  // d 128 also the layer norms (2 a layer and the final one: forward 1 loop, gradient 2, rows then columns), Adam on
  // the attention's four matrices and the MLP's first bias gradient (a column sum). Everything else is under the
  // split's threshold.
  const cases: Array<[string, ModelConfig, number, number, number]> = [
    ['GPT-2 style', tinyConfig('gpt2', { vocabSize: 96, dModel: 64, nHeads: 4, dMlp: 256, maxSeq: 64 }), 4, 48, 2 * (4 + 2) + 2],
    ['GPT-2 style, d 128', tinyConfig('gpt2', { vocabSize: 96, dModel: 128, nHeads: 4, dMlp: 512, maxSeq: 64 }), 4, 64, 2 * (4 + 2 + 4 + 1) + 5 * 3 + 2],
    ['Llama style, 4 query heads on 1 key/value head, 3 rows (the parts split at a group: 4 heads)', tinyConfig('llama', { vocabSize: 128, dModel: 64, nHeads: 4, nKvHeads: 1, dMlp: 256, maxSeq: 64 }), 3, 48, 2 * (4 + 3) + 2],
  ];
  for (const [name, config, B, T, perStep] of cases) {
    it(`${name}: two Adam steps (losses, gradients, parameters) bitwise the same split and unsplit`, () => {
      addon!.setSplitParts(1);
      const alone = trainBits(config, B, T);
      addon!.setSplitParts(2);
      const before = addon!.splitLoops();
      const split = trainBits(config, B, T);
      expect(addon!.splitLoops() - before, `${name}: split loops`).toBe(2 * perStep);
      expect(split.length).toBe(alone.length);
      alone.forEach((want, i) => expect(firstDiff(split[i]!, want), `${name}: output ${i}`).toBe(-1));
    });
  }

  it('tanh and exp over 100,003 values, subnormal inputs and results among them: bitwise the same split and unsplit', () => {
    // the second part runs on an OpenBLAS worker thread: a flush-to-zero mode there would show on these
    const vals = randomValues(100_003, 4).map((v, i) => (i % 7 === 0 ? v * 1e-39 : i % 7 === 1 ? -95 - v : v * 12));
    const x = tf.tensor1d(vals);
    expect(tf.tidy(() => tf.exp(x).dataSync()).some((y, i) => i > 50_000 && y > 0 && y < 1.1754944e-38)).toBe(true);
    const run = () => [bits(tf.tanh(x)), bits(tf.exp(x))];
    addon!.setSplitParts(1);
    const alone = run();
    addon!.setSplitParts(2);
    const before = addon!.splitLoops();
    const split = run();
    expect(addon!.splitLoops() - before).toBe(2);
    alone.forEach((want, i) => expect(firstDiff(split[i]!, want)).toBe(-1));
    x.dispose();
  });

  it('Add of same-shape float32 tensors: the stock kernel\'s bits (inf, NaN, -0 among the values), split; broadcasts go to the stock kernel', () => {
    const vals = (seed: number) => randomValues(300 * 257, seed).map((v, i) => (i % 97 === 0 ? Infinity : i % 89 === 0 ? NaN : i % 83 === 0 ? -0 : v * 1e3));
    const a = tf.tensor2d(vals(1), [300, 257]);
    const b = tf.tensor2d(vals(2).map((v, i) => (i % 97 === 0 ? -Infinity : v)), [300, 257]);
    const row = tf.tensor1d(randomValues(257, 3));
    expect(tf.getKernel('Add', 'wasm')!.kernelFunc).not.toBe(stockKernel('Add', 'wasm').kernelFunc);
    const before = addon!.splitLoops();
    const got = [bits(tf.add(a, b)), bits(tf.add(a, row))];
    expect(addon!.splitLoops() - before).toBe(1);
    const mine = tf.getKernel('Add', 'wasm')!.kernelFunc;
    restoreKernel('Add', 'wasm');
    const want = [bits(tf.add(a, b)), bits(tf.add(a, row))];
    replaceKernel('Add', 'wasm', mine);
    want.forEach((w, i) => expect(firstDiff(got[i]!, w), `output ${i}`).toBe(-1));
    tf.dispose([a, b, row]);
  });
});
