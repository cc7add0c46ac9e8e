// Each fused kernel agrees with its reference composition (reference.ts) on wasm: values and gradients,
// relative (Frobenius) error < 1e-5, on the shapes the model uses. Needs the native addon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index';
import { loadNativeAddon } from '../backend/native';
import { registerWasmKernels } from '../backend/register';
import { randomValues, relError } from '../backend/testing';
import * as fused from './fused';
import * as ops from './ops';
import * as ref from './reference';

const native = loadNativeAddon();
const skip = native.addon ? undefined : native.reason;
const title = (s: string) => (skip ? `${s} (SKIPPED: ${skip})` : s);

const rnd = (shape: number[], seed: number, scale = 1) => tf.mul(tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape), scale);

/** Values of f and of the gradients of Σ f(xs)·w with respect to every input, read back. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], seed: number): Float32Array[] {
  return tf.tidy(() => {
    const y = f(...xs);
    const w = tf.tensor(randomValues(y.size, seed), y.shape);
    const gs = tf.grads((...as: tf.Tensor[]) => tf.sum(tf.mul(f(...as), w)))(xs);
    return [y, ...gs].map((t) => t.dataSync() as Float32Array);
  });
}

function expectAgree(name: string, got: Float32Array[], want: Float32Array[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(relError(g, want[i]!), `${name} output ${i}`).toBeLessThan(1e-5));
}

describe.skipIf(skip !== undefined)('fused kernels vs reference compositions (wasm)', () => {
  beforeAll(async () => { await initBackend('wasm'); registerWasmKernels(); });
  afterAll(() => { registerWasmKernels(); });

  it(title('GELU: [96,256] MLP activations, odd [7,33], wide-range inputs'), () => {
    for (const [i, shape] of [[96, 256], [7, 33], [2, 3, 40]].entries()) {
      const x = rnd(shape, 10 + i, 4);
      expect(fused.canGelu(x)).toBe(true);
      expectAgree(`gelu ${shape}`, valueAndGrads((p) => fused.gelu(p), [x], 20 + i), valueAndGrads((p) => ref.gelu(p), [x], 20 + i));
      x.dispose();
    }
  });

  it(title('SwiGLU: [96,256] gate and up, odd [5,37]'), () => {
    for (const [i, shape] of [[96, 256], [5, 37]].entries()) {
      const g = rnd(shape, 110 + i, 5);
      const u = rnd(shape, 120 + i, 2);
      expect(fused.canSwiglu(g, u)).toBe(true);
      expectAgree(`swiglu ${shape}`, valueAndGrads((p, q) => fused.swiglu(p, q), [g, u], 130 + i), valueAndGrads((p, q) => ref.swiglu(p, q), [g, u], 130 + i));
      tf.dispose([g, u]);
    }
  });

  it(title('RoPE: [B,T,H,dh] = [2,7,3,16] and [1,64,4,32], gradients for x, cos and sin'), () => {
    for (const [i, [B, T, H, dh]] of [[2, 7, 3, 16], [1, 64, 4, 32]].entries()) {
      const x = rnd([B!, T!, H!, dh!], 140 + i, 2);
      const c = rnd([B!, T!, 1, dh!], 150 + i);
      const s = rnd([B!, T!, 1, dh!], 160 + i);
      expect(fused.canRope(x, c, s)).toBe(true);
      const f = (impl: typeof ref.rope) => (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => impl(p as tf.Tensor4D, q as tf.Tensor4D, r as tf.Tensor4D);
      expectAgree(`rope ${[B, T, H, dh]}`, valueAndGrads(f(fused.rope), [x, c, s], 170 + i), valueAndGrads(f(ref.rope), [x, c, s], 170 + i));
      tf.dispose([x, c, s]);
    }
  });

  it(title('masked cross-entropy: [96,500] with masked rows, fractional mask, an out-of-range target'), () => {
    const n = 96, v = 500;
    const logits = rnd([n, v], 1, 6);
    const t = Array.from({ length: n }, (_, i) => (i * 37) % v);
    t[5] = -1; // out of range: contributes nothing, like oneHot in the reference
    const targets = tf.tensor1d(t, 'int32');
    const mask = tf.tensor1d(Array.from({ length: n }, (_, i) => (i % 8 === 0 ? 0 : i % 5 === 0 ? 0.5 : 1)));
    expect(fused.canMaskedCrossEntropy(logits, targets, mask)).toBe(true);
    // Gradients with respect to logits and mask (targets are integers).
    const f = (impl: typeof ref.maskedCrossEntropy) => (l: tf.Tensor, m: tf.Tensor) => impl(l as tf.Tensor2D, targets, m as tf.Tensor1D);
    expectAgree('xent', valueAndGrads(f(fused.maskedCrossEntropy), [logits, mask], 3), valueAndGrads(f(ref.maskedCrossEntropy), [logits, mask], 3));
    // All rows masked: loss 0, zero gradient (max(Σ mask, 1) guards the division).
    const zero = tf.zerosLike(mask);
    expectAgree('xent all-masked', valueAndGrads(f(fused.maskedCrossEntropy), [logits, zero], 4), valueAndGrads(f(ref.maskedCrossEntropy), [logits, zero], 4));
    tf.dispose([logits, targets, mask, zero]);
  });

  it(title('masked cross-entropy: a row\'s loss is the same bits alone and among others (rows in groups of 8, columns in chunks of 512)'), () => {
    const n = 11, v = 1100; // a group of 8 and a short group of 3; three column chunks
    const logits = rnd([n, v], 5, 6);
    const t = Array.from({ length: n }, (_, i) => (i * 101) % v);
    const targets = tf.tensor1d(t, 'int32');
    for (let i = 0; i < n; i++) tf.tidy(() => {
      const onlyRow = tf.tensor1d(Array.from({ length: n }, (_, j) => (j === i ? 1 : 0)));
      const among = fused.maskedCrossEntropy(logits as tf.Tensor2D, targets, onlyRow).dataSync()[0];
      const row = tf.slice(logits, [i, 0], [1, v]) as tf.Tensor2D;
      const alone = fused.maskedCrossEntropy(row, tf.tensor1d([t[i]!], 'int32'), tf.tensor1d([1])).dataSync()[0];
      expect(among, `row ${i}`).toBe(alone);
      expect(Number.isFinite(among)).toBe(true);
    });
    tf.dispose([logits, targets]);
  });

  it(title('LayerNorm and RMSNorm: [B,T,D] = [2,48,64], [96,256], odd [5,37]'), () => {
    for (const [i, shape] of [[2, 48, 64], [96, 256], [5, 37]].entries()) {
      const d = shape[shape.length - 1]!;
      const x = tf.add(rnd(shape, 30 + i, 3), 0.5);
      const g = tf.add(rnd([d], 40 + i, 0.5), 1);
      const b = rnd([d], 50 + i, 0.5);
      expect(fused.canLayerNorm(x, g, b) && fused.canRmsNorm(x, g)).toBe(true);
      expectAgree(`layerNorm ${shape}`, valueAndGrads((p, q, r) => fused.layerNorm(p, q, r), [x, g, b], 60 + i), valueAndGrads((p, q, r) => ref.layerNorm(p, q, r), [x, g, b], 60 + i));
      expectAgree(`rmsNorm ${shape}`, valueAndGrads((p, q) => fused.rmsNorm(p, q), [x, g], 70 + i), valueAndGrads((p, q) => ref.rmsNorm(p, q), [x, g], 70 + i));
      tf.dispose([x, g, b]);
    }
  });

  it(title('ops.ts takes the fused path when registered and the reference path when not'), () => {
    const x = rnd([4, 8], 80, 2);
    const spy = () => tf.profile(() => { ops.gelu(x).dispose(); });
    return spy().then(async (withFused) => {
      expect(withFused.kernelNames).toContain('EditlabGelu');
      registerWasmKernels({ fused: false });
      const without = await spy();
      expect(without.kernelNames).not.toContain('EditlabGelu');
      expect(without.kernelNames).toContain('Tanh');
      registerWasmKernels();
      x.dispose();
    });
  });

  it(title('inference (no tape) gives the same values as the recorded path, without leaks'), () => {
    const x = rnd([6, 32], 95, 2);
    const g = tf.add(rnd([32], 96, 0.3), 1);
    const b = rnd([32], 97, 0.3);
    const t = tf.tensor1d([0, 5, 31, 2, 7, 9], 'int32');
    const m = tf.tensor1d([1, 1, 0, 1, 0.5, 1]);
    const before = tf.memory().numTensors;
    const direct = [fused.gelu(x), fused.layerNorm(x, g, b), fused.rmsNorm(x, g), fused.maskedCrossEntropy(x as tf.Tensor2D, t, m)];
    const taped = tf.grads((z: tf.Tensor) => { direct.push(...[fused.gelu(z), fused.layerNorm(z, g, b), fused.rmsNorm(z, g), fused.maskedCrossEntropy(z as tf.Tensor2D, t, m)].map((r) => tf.keep(r))); return tf.sum(z); })([x]);
    for (let i = 0; i < 4; i++) expect(relError(direct[i]!.dataSync(), direct[i + 4]!.dataSync())).toBe(0);
    tf.dispose([...direct, ...taped]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b, t, m]);
  });

  it(title('no tensor leaks through a fused forward + backward'), () => {
    const x = rnd([3, 16], 90);
    const g = tf.ones([16]);
    const b = tf.zeros([16]);
    const before = tf.memory().numTensors;
    valueAndGrads((a, c, e) => ops.gelu(ops.layerNorm(a, c, e)), [x, g, b], 91);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b]);
  });
});
