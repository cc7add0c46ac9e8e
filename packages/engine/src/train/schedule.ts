// The one learning-rate schedule of every training loop here (methods, fine-tuning, pretraining), as
// options of one function: constant (no schedule, or `constant: true`), linear warm-up, cosine decay.
//   lr(t) = peak·(t+1)/W                                   for t < W (linear warm-up over W steps)
//   lr(t) = floor + ½(peak − floor)(1 + cos(π·p)),  p = min(1, (t − W)/(S − W))   after it
// with floor = minLrRatio·peak and S the total number of steps: SGDR's cosine (Loshchilov & Hutter
// 2017, eq. 5, without restarts) after GPT-3's linear warm-up (Brown et al. 2020, App. B), the
// progress p measured as in Hugging Face transformers' get_cosine_schedule_with_warmup, so the floor
// is reached one step after the last update.

/** No schedule = a constant rate; a schedule decays by cosine after its warm-up unless `constant`. */
export interface LrSchedule {
  /** Linear warm-up from peak/W to the peak over the first W steps (default 0). */
  readonly warmupSteps?: number;
  /** Cosine floor as a fraction of the peak (default 0.1). */
  readonly minLrRatio?: number;
  /** Stay at the peak after the warm-up (no decay). */
  readonly constant?: boolean;
}

/** The learning rate of optimizer step `step` (0-based) of `totalSteps`. */
export function lrAt(peak: number, step: number, totalSteps: number, s: LrSchedule = { constant: true }): number {
  const warm = s.warmupSteps ?? 0;
  if (step < warm) return (peak * (step + 1)) / warm;
  if (s.constant) return peak;
  const floor = peak * (s.minLrRatio ?? 0.1);
  const p = Math.min(1, (step - warm) / Math.max(1, totalSteps - warm));
  return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * p));
}
