import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { withTensorPeak } from './tensor-peak';

describe('withTensorPeak', () => {
  it('is the largest live tensor memory during the work, above what was live before, and leaves the count intact', () => {
    const resting = tf.zeros([10]); // 40 bytes live before: not counted
    const before = tf.memory().numBytes;
    const { result, peakBytes } = withTensorPeak(() => {
      const a = tf.ones([100]); // 400
      const b = tf.ones([50]); // +200 → 600 live
      a.dispose();
      b.dispose();
      const c = tf.ones([25]); // 100, kept
      return c;
    });
    expect(peakBytes).toBe(600);
    expect(tf.memory().numBytes).toBe(before + 100);
    result.dispose();
    resting.dispose();
    expect(tf.memory().numBytes).toBe(before - 40);
    // the engine's own bookkeeping is back to a plain field that later allocations update
    const d = tf.ones([4]);
    expect(tf.memory().numBytes).toBe(before - 40 + 16);
    d.dispose();
  });

  it('a work that throws still restores the count', () => {
    const before = tf.memory().numBytes;
    expect(() => withTensorPeak(() => {
      tf.ones([8]);
      throw new Error('boom');
    })).toThrow('boom');
    expect(tf.memory().numBytes).toBe(before + 32);
  });
});
