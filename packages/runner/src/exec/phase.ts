// A phase of a run: its tasks on a small pool of workers, taken in order.

/** Run `work` over `items` on `concurrency` workers in order; stops starting new ones on abort. */
export async function phase<T>(items: readonly T[], concurrency: number, signal: AbortSignal | undefined, work: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
