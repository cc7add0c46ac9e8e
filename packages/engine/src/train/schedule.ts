// Learning-rate schedules. Warmup + cosine: linear warmup to the peak over `warmupSteps`, then cosine
// decay to minLrRatio·peak at the last step (Loshchilov & Hutter 2017, SGDR eq. 5, without restarts).

export interface LrSchedule {
  readonly warmupSteps?: number;
  /** Final lr as a fraction of the peak (default 0.1). With `constant: true`, no decay. */
  readonly minLrRatio?: number;
  readonly constant?: boolean;
}

export function lrAt(peak: number, step: number, totalSteps: number, s: LrSchedule = { constant: true }): number {
  const warm = s.warmupSteps ?? 0;
  if (step < warm) return (peak * (step + 1)) / warm;
  if (s.constant) return peak;
  const floor = peak * (s.minLrRatio ?? 0.1);
  const p = Math.min(1, (step - warm) / Math.max(1, totalSteps - warm - 1));
  return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * p));
}
