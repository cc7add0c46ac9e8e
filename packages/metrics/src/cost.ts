// Cost measurement for the runner (docs/definitions.md §3; the measured form of ForGet Table 5): wall time
// and peak memory of an async task. Peak memory is sampled (process.memoryUsage every intervalMs,
// plus before and after), so a spike shorter than the interval can be missed.

export interface CostMeasurement<T> {
  readonly value: T;
  readonly wallMs: number;
  /** Peak resident set size seen (bytes). */
  readonly peakRssBytes: number;
  /** Peak V8 heap used seen (bytes). */
  readonly peakHeapBytes: number;
}

export async function measureCost<T>(task: () => Promise<T> | T, intervalMs = 20): Promise<CostMeasurement<T>> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  const t0 = performance.now();
  try {
    const value = await task();
    const wallMs = performance.now() - t0;
    sample();
    return { value, wallMs, peakRssBytes: peakRss, peakHeapBytes: peakHeap };
  } finally {
    clearInterval(timer);
  }
}
