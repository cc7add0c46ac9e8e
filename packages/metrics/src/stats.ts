// Small aggregation helpers shared by the metrics.

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
