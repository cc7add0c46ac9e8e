// The fused Adam step agrees with tf.train.adam (same state, same order of operations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index';
import { loadNativeAddon } from '../backend/native';
import { registerWasmKernels } from '../backend/register';
import { randomValues, relError } from '../backend/testing';
import { adam, FusedAdamOptimizer } from './adam';

const native = loadNativeAddon();
const skip = native.addon ? undefined : native.reason;

/** Minimise Σ (x·W + b − y)² for 6 steps with `opt`; returns W and b after training. */
function train(opt: tf.Optimizer): Float32Array[] {
  const W = tf.variable(tf.tensor(randomValues(12 * 5, 1), [12, 5]));
  const b = tf.variable(tf.tensor(randomValues(5, 2), [5]));
  const x = tf.tensor(randomValues(8 * 12, 3), [8, 12]);
  const y = tf.tensor(randomValues(8 * 5, 4), [8, 5]);
  for (let i = 0; i < 6; i++) opt.minimize(() => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(x, W), b), y))) as tf.Scalar, false, [W, b]);
  const out = [W.dataSync() as Float32Array, b.dataSync() as Float32Array];
  tf.dispose([W, b, x, y]);
  opt.dispose();
  return out;
}

describe.skipIf(skip !== undefined)(`fused Adam${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  beforeAll(async () => { await initBackend('wasm'); registerWasmKernels(); });
  afterAll(() => { registerWasmKernels(); });

  it('matches tf.train.adam after 6 steps, and keeps the same optimizer state names', async () => {
    const want = train(tf.train.adam(0.05, 0.9, 0.99));
    const opt = adam(0.05, 0.9, 0.99);
    expect(opt).toBeInstanceOf(FusedAdamOptimizer);
    const profile = await tf.profile(() => { train(opt); });
    expect(profile.kernelNames).toContain('EditlabAdam');
    const got = train(adam(0.05, 0.9, 0.99));
    got.forEach((g, i) => expect(relError(g, want[i]!)).toBeLessThan(1e-5));
    // The training really moved the weights (a test that can fail).
    expect(relError(got[0]!, randomValues(60, 1))).toBeGreaterThan(1e-3);
  });

  it('falls back to the stock update when the fused kernel is not registered', () => {
    registerWasmKernels({ fused: false });
    const got = train(adam(0.05, 0.9, 0.99));
    registerWasmKernels();
    const want = train(tf.train.adam(0.05, 0.9, 0.99));
    got.forEach((g, i) => expect(relError(g, want[i]!)).toBeLessThan(1e-6));
  });

  it('leaks no more tensors than tf.train.adam (tfjs 4.22 keeps one scalar per optimizer)', () => {
    const leak = (mk: () => tf.Optimizer) => { const before = tf.memory().numTensors; train(mk()); return tf.memory().numTensors - before; };
    expect(leak(() => adam(0.05))).toBe(leak(() => tf.train.adam(0.05)));
  });
});
