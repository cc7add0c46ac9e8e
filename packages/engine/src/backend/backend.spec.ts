import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './index';

describe('backend', () => {
  it('defaults to wasm and reports it', async () => {
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('differentiates an embedding gather (UnsortedSegmentSum registered)', async () => {
    await initBackend();
    const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    const g = tf.grad((t: tf.Tensor) => tf.gather(t, ids).sum())(table);
    expect(await g.array()).toEqual([[1, 1], [0, 0], [2, 2]]);
    tf.dispose([table, ids, g]);
  });
});
