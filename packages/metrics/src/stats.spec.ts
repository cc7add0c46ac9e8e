import { describe, expect, it } from 'vitest';
import { aggregate, harmonicMean, mean, median } from './stats';

describe('aggregates', () => {
  it('mean, median, min, max over per-record values; NaN for none', () => {
    const xs = [0.5, 1, 0, 0.25];
    expect(aggregate('mean', xs)).toBe(mean(xs));
    expect(aggregate('mean', xs)).toBe(0.4375);
    expect(aggregate('median', xs)).toBe(0.375);
    expect(median([3, 1, 2])).toBe(2);
    expect(aggregate('min', xs)).toBe(0);
    expect(aggregate('max', xs)).toBe(1);
    for (const k of ['mean', 'median', 'min', 'max'] as const) expect(aggregate(k, [])).toBeNaN();
    expect(xs).toEqual([0.5, 1, 0, 0.25]); // the median does not sort its input in place
  });
  it('harmonic mean as scipy hmean: 0 when any value is 0', () => {
    expect(harmonicMean([1, 1, 1 / 3])).toBeCloseTo(0.6, 12);
    expect(harmonicMean([1, 0])).toBe(0);
  });
});
