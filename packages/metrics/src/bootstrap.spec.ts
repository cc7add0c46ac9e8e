// The seeded percentile bootstrap (bootstrap.ts): deterministic, covers the mean, degenerate at a ceiling.
import { describe, expect, it } from 'vitest';
import { bootstrapIntervals, quantileSorted, sampleSd } from './bootstrap';
import { mean } from './stats';

const meanOf = (xs: readonly number[]) => (idx: Int32Array) => [mean(Array.from(idx, (i) => xs[i]!))];

describe('bootstrap', () => {
  it('quantiles as numpy (type 7) and the sample sd', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    expect(quantileSorted([], 0.5)).toBeNaN();
    expect(sampleSd([1, 2, 3, 4])).toBeCloseTo(1.2909944487, 9);
    expect(sampleSd([1])).toBeNaN();
  });

  it('is deterministic per seed and stream, and differs across streams', () => {
    const xs = Array.from({ length: 40 }, (_, i) => (i * 7919) % 13 / 13);
    const a = bootstrapIntervals(xs.length, 1, meanOf(xs), { seed: 0, stream: 'row' });
    expect(bootstrapIntervals(xs.length, 1, meanOf(xs), { seed: 0, stream: 'row' })).toEqual(a);
    expect(bootstrapIntervals(xs.length, 1, meanOf(xs), { seed: 0, stream: 'other' })).not.toEqual(a);
    const m = mean(xs);
    expect(a[0]!.lo).toBeLessThan(m);
    expect(a[0]!.hi).toBeGreaterThan(m);
    // the normal-theory half width 1.96·sd/√n, within 25%
    const half = (a[0]!.hi - a[0]!.lo) / 2;
    const normal = (1.96 * sampleSd(xs)) / Math.sqrt(xs.length);
    expect(half / normal).toBeGreaterThan(0.75);
    expect(half / normal).toBeLessThan(1.25);
  });

  it('a ceiling gives a point interval; no records or mostly non-finite replicates give NaN', () => {
    const ones = Array(20).fill(1) as number[];
    expect(bootstrapIntervals(20, 1, meanOf(ones), { seed: 3, stream: 'x' })).toEqual([{ lo: 1, hi: 1 }]);
    expect(bootstrapIntervals(0, 2, () => [0, 0], { seed: 3, stream: 'x' })).toEqual([{ lo: NaN, hi: NaN }, { lo: NaN, hi: NaN }]);
    expect(bootstrapIntervals(5, 1, () => [NaN], { seed: 3, stream: 'x' })[0]!.lo).toBeNaN();
  });

  it('covers the true mean of a Bernoulli(0.7) sample about 95% of the time', () => {
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      // a fixed pseudo-random sample per trial (LCG), independent of the bootstrap's generator
      let s = t * 2654435761 >>> 0;
      const xs = Array.from({ length: 50 }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 < 0.7 ? 1 : 0));
      const [iv] = bootstrapIntervals(xs.length, 1, meanOf(xs), { seed: t, stream: 'cov', resamples: 400 });
      if (iv!.lo <= 0.7 && 0.7 <= iv!.hi) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });
});
