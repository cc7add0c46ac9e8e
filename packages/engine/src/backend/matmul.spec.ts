// Every BatchMatMul path the engine registers on wasm agrees with the cpu backend's stock kernel
// (relative Frobenius error < 1e-5), forward and both gradients, on the shapes the model uses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index';
import { loadNativeAddon } from './native';
import { registerWasmKernels, type MatMulPath } from './register';
import { onBackend, randomValues, relError } from './testing';

interface Case { name: string; a: number[]; b: number[]; tA: boolean; tB: boolean; grad: boolean; fused?: 'linear' | 'relu' | 'elu' }

const CASES: Case[] = [
  { name: '2-D', a: [64, 48], b: [48, 40], tA: false, tB: false, grad: true },
  { name: '2-D transposeA (dW = Xᵀ·dY)', a: [96, 64], b: [96, 80], tA: true, tB: false, grad: true },
  { name: '2-D transposeB (dX = dY·Wᵀ, tied head x·W_Eᵀ)', a: [96, 64], b: [300, 64], tA: false, tB: true, grad: true },
  { name: '2-D both transposed', a: [40, 24], b: [56, 40], tA: true, tB: true, grad: true },
  { name: '2-D odd sizes', a: [37, 53], b: [53, 29], tA: false, tB: false, grad: true },
  { name: '3-D batched, transposeA', a: [5, 33, 17], b: [5, 33, 21], tA: true, tB: false, grad: true },
  { name: '4-D attention QKᵀ [B,H,T,Dh]', a: [2, 4, 48, 32], b: [2, 4, 48, 32], tA: false, tB: true, grad: true },
  { name: '4-D attention AV [B,H,T,T]·[B,H,T,Dh]', a: [2, 4, 48, 48], b: [2, 4, 48, 32], tA: false, tB: false, grad: true },
  { name: 'broadcast batch [3,20,16]·[16,24] (forward only: tfjs gradient is wrong here)', a: [3, 20, 16], b: [16, 24], tA: false, tB: false, grad: false },
  { name: 'broadcast batch [1,20,16]·[4,16,24]ᵀ', a: [1, 20, 16], b: [4, 24, 16], tA: false, tB: true, grad: false },
  { name: 'decode QKᵀ, one query row', a: [8, 4, 1, 32], b: [8, 4, 20, 32], tA: false, tB: true, grad: true },
  { name: 'decode MLP, one token', a: [1, 64], b: [64, 256], tA: false, tB: false, grad: true },
  { name: 'tiny', a: [2, 3], b: [3, 2], tA: false, tB: false, grad: true },
  { name: 'fused.matMul + bias, linear', a: [64, 48], b: [40, 48], tA: false, tB: true, grad: true, fused: 'linear' },
  { name: 'fused.matMul + bias + relu, transposeA', a: [48, 64], b: [48, 40], tA: true, tB: false, grad: true, fused: 'relu' },
  { name: 'fused.matMul + bias, batched, linear (bias inside sgemm)', a: [3, 20, 16], b: [3, 24, 16], tA: false, tB: true, grad: true, fused: 'linear' },
  { name: 'fused.matMul + bias, broadcast batch, linear', a: [3, 20, 16], b: [16, 24], tA: false, tB: false, grad: false, fused: 'linear' },
  { name: 'fused.matMul + bias + elu, batched', a: [3, 20, 16], b: [3, 16, 24], tA: false, tB: false, grad: true, fused: 'elu' },
];

function compute(c: Case, seed: number): tf.Tensor[] {
  const a = tf.tensor(randomValues(tf.util.sizeFromShape(c.a), seed), c.a);
  const b = tf.tensor(randomValues(tf.util.sizeFromShape(c.b), seed + 1), c.b);
  const n = c.tB ? c.b[c.b.length - 2]! : c.b[c.b.length - 1]!;
  const bias = tf.tensor(randomValues(n, seed + 3), [n]);
  const mm = (x: tf.Tensor, z: tf.Tensor, bi: tf.Tensor) => c.fused
    ? tf.fused.matMul({ a: x, b: z, transposeA: c.tA, transposeB: c.tB, bias: bi, activation: c.fused })
    : tf.matMul(x, z, c.tA, c.tB);
  const y = mm(a, b, bias);
  if (!c.grad) return [y];
  const w = tf.tensor(randomValues(y.size, seed + 2), y.shape);
  const grads = c.fused
    ? tf.grads((x: tf.Tensor, z: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(mm(x, z, bi), w)))([a, b, bias])
    : tf.grads((x: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(mm(x, z, bias), w)))([a, b]);
  return [y, ...grads];
}

const native = loadNativeAddon();
const PATHS: { path: MatMulPath; skip: string | undefined }[] = [
  { path: 'xnnpack-wrapper', skip: undefined },
  { path: 'openblas', skip: native.addon ? undefined : native.reason },
];

describe('BatchMatMul kernels on wasm vs the cpu backend', () => {
  beforeAll(async () => { await initBackend('wasm'); });
  afterAll(() => { registerWasmKernels(); });

  for (const { path, skip } of PATHS) {
    const title = skip ? `${path} (SKIPPED: ${skip})` : path;
    it.skipIf(skip !== undefined)(title, async () => {
      const info = registerWasmKernels({ matmul: path });
      expect(info.matmul).toBe(path);
      for (const [i, c] of CASES.entries()) {
        const ref = await onBackend('cpu', () => compute(c, 100 + i));
        const got = await onBackend('wasm', () => compute(c, 100 + i));
        expect(got.length).toBe(ref.length);
        got.forEach((g, j) => {
          const err = relError(g, ref[j]!);
          expect(err, `${c.name} output ${j}`).toBeLessThan(1e-5);
        });
      }
    });
  }

  it('leaks no tensors across forward and backward', async () => {
    registerWasmKernels();
    const before = tf.memory().numTensors;
    await onBackend('wasm', () => compute(CASES[6]!, 7));
    expect(tf.memory().numTensors).toBe(before);
  });
});
