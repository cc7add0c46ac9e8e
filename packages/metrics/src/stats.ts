// Small aggregation helpers shared by the metrics.
import type { Aggregate } from './splits';

/** Arithmetic mean; NaN for an empty list (an empty set has no value; callers report it as such). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Harmonic mean (MEMIT `experiments/summarize.py` Score = hmean(ES, PS, NS)); 0 when any value is 0
 * (scipy.stats.hmean convention), NaN when the list is empty or any value is NaN.
 */
export function harmonicMean(xs: readonly number[]): number {
  if (xs.length === 0 || xs.some((x) => Number.isNaN(x))) return Number.NaN;
  if (xs.some((x) => x <= 0)) return 0;
  let s = 0;
  for (const x of xs) s += 1 / x;
  return xs.length / s;
}

/** " y" with exactly one leading space, as MEMIT scores targets (`f" {target}"`). */
export function spaced(target: string): string {
  return target.startsWith(' ') ? target : ` ${target}`;
}

/** Median (mean of the two middle values for an even count); NaN for an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One table value from per-record values (splits.ts `Aggregate`); NaN for an empty list. */
export function aggregate(kind: Aggregate, xs: readonly number[]): number {
  switch (kind) {
    case 'mean':
      return mean(xs);
    case 'median':
      return median(xs);
    case 'min':
      return xs.length ? Math.min(...xs) : Number.NaN;
    case 'max':
      return xs.length ? Math.max(...xs) : Number.NaN;
  }
}
