import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index';
import { gelu, layerNorm, maskedCrossEntropy, rmsNorm } from './ops';

describe('reference ops', () => {
  it('gelu matches the tanh formula at known points', async () => {
    await initBackend();
    const y = await gelu(tf.tensor1d([0, 1, -1])).data();
    expect(y[0]).toBeCloseTo(0, 6);
    expect(y[1]).toBeCloseTo(0.841192, 5);
    expect(y[2]).toBeCloseTo(-0.158808, 5);
  });

  it('layerNorm and rmsNorm normalise the last axis', async () => {
    await initBackend();
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const ln = await layerNorm(x, tf.ones([4]), tf.zeros([4])).data();
    expect(ln[0]).toBeCloseTo(-1.341635, 4);
    const rn = await rmsNorm(x, tf.ones([4])).data();
    expect(rn[3]).toBeCloseTo(4 / Math.sqrt(7.5), 5);
  });

  it('maskedCrossEntropy averages only unmasked positions', async () => {
    await initBackend();
    const logits = tf.tensor2d([[0, 0], [10, 0]]);
    const loss = await maskedCrossEntropy(logits, tf.tensor1d([0, 1], 'int32'), tf.tensor1d([1, 0])).data();
    expect(loss[0]).toBeCloseTo(Math.log(2), 6);
  });
});
