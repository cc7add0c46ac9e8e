// A phase of a run: its tasks on a small pool of workers, taken in order.
import { timeSliced } from './yield';

/**
 * Run `work` over `items` on `concurrency` workers in order; stops starting new ones on abort. The
 * event loop gets a turn between tasks (./yield.ts), so an abort is seen even when every task is
 * synchronous underneath. When a task rejects, the other workers stop starting tasks and the phase
 * waits for those in flight before rejecting with the first error (nothing runs on after it returns).
 */
export async function phase<T>(items: readonly T[], concurrency: number, signal: AbortSignal | undefined, work: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const turn = timeSliced(20);
  const worker = async () => {
    while (next < items.length && !signal?.aborted && !failed) {
      try {
        await work(items[next++]!);
      } catch (e) {
        failed = true;
        throw e;
      }
      await turn();
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
}
