// Seeded percentile bootstrap over records (Efron & Tibshirani 1993, ch. 13; docs/metrics.md
// "Intervals"). A table value is a statistic of its records (a mean, or a derived metric of means);
// resampling the records with replacement B times and taking the (1−level)/2 and (1+level)/2 quantiles
// of the B recomputed statistics gives its interval. Every statistic of a row is recomputed on the same
// resample, so a derived metric's interval (score = hmean of three means) is that of the derived value.
// The generator is seeded (mulberry32 through a string stream), never Math.random: the same seed and
// stream give the same interval, byte for byte.
import { WorldRng } from '@editlab/datasets';

export interface BootstrapOptions {
  /** Number of resamples B (default 1000). */
  readonly resamples?: number;
  /** Coverage of the interval (default 0.95). */
  readonly level?: number;
  readonly seed: number;
  /** Names an independent sub-stream of the seed (e.g. the table row's key). */
  readonly stream: string;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 1000, level: 0.95 } as const;

/** Quantile q of sorted finite values, linear between order statistics (numpy's default, Hyndman–Fan type 7). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

/**
 * Percentile bootstrap interval of each component of `statistic` over `n` records. `statistic` receives
 * the record indices of one resample (length n, with repeats) and returns one value per component.
 * A component whose replicates are non-finite in more than half the resamples has a NaN interval.
 * `n` = 0 gives NaN intervals.
 */
export function bootstrapIntervals(n: number, components: number, statistic: (indices: Int32Array) => readonly number[], o: BootstrapOptions): Interval[] {
  const nan = () => Array.from({ length: components }, () => ({ lo: Number.NaN, hi: Number.NaN }));
  if (n <= 0) return nan();
  const resamples = o.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const level = o.level ?? BOOTSTRAP_DEFAULTS.level;
  const rng = new WorldRng(o.seed, `bootstrap:${o.stream}`);
  const reps: number[][] = Array.from({ length: components }, () => []);
  const idx = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    const s = statistic(idx);
    for (let c = 0; c < components; c++) {
      const v = s[c]!;
      if (Number.isFinite(v)) reps[c]!.push(v);
    }
  }
  return reps.map((r) => {
    if (r.length * 2 < resamples) return { lo: Number.NaN, hi: Number.NaN };
    r.sort((a, b) => a - b);
    return { lo: quantileSorted(r, (1 - level) / 2), hi: quantileSorted(r, (1 + level) / 2) };
  });
}

/** Sample standard deviation (n − 1); NaN for fewer than two values. */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  let m = 0;
  for (const x of xs) m += x;
  m /= xs.length;
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}
