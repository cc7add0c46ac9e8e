// Yield points: the one place where a run's compute gives the event loop a turn. The compute is
// synchronous (tfjs/wasm kernels) and the Scorer's promises resolve as microtasks, so without these
// nothing else runs until the run ends: no signal handler (Ctrl-C, SIGTERM), no timer (the listr2
// spinner), no progress. A cell calls its yield point before each edit call and before each
// record's evaluation; the point reports where the cell is (the live display), gives the event loop
// a turn when enough time passed since the last one, and abandons the cell when the run was aborted.
import { RunnerError } from '../errors';

/** Let the event loop run once (signals, timers, I/O), then continue. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A yield that only yields when at least `sliceMs` passed since its last yield (cheap to call often). */
export function timeSliced(sliceMs: number, now: () => number = () => performance.now()): () => Promise<void> {
  let last = now();
  return async () => {
    if (now() - last < sliceMs) return;
    await yieldToEventLoop();
    last = now();
  };
}

/** Where a task is: a cell editing or evaluating its record `index` (0-based) of `total`, or a shared stage
 *  (a model's pretraining, a side model's training) `index` training steps done of `total`. */
export interface CellStep {
  readonly step: 'edit' | 'eval' | 'train';
  readonly index: number;
  readonly total: number;
}

/** Called between units of work (a cell says where it is); rejects with an abandon error once the run is aborted. */
export type YieldPoint = (at?: CellStep) => Promise<void>;

/** The error a yield point throws after an abort: the work in flight is abandoned, not recorded. */
export class AbandonedError extends RunnerError {
  constructor() {
    super('ABORTED', 'abandoned at a yield point: the run was interrupted');
  }
}

export function isAbandoned(e: unknown): e is AbandonedError {
  return e instanceof AbandonedError;
}

export interface YieldPointOptions {
  /** Aborting it makes the next yield point throw an AbandonedError. */
  readonly signal?: AbortSignal;
  /** Least compute time between two yields to the event loop (default 20 ms). */
  readonly sliceMs?: number;
  /** Told where the work is at every yield point (the display throttles what it shows). */
  readonly onStep?: (at: CellStep) => void;
}

export function yieldPoint(o: YieldPointOptions = {}): YieldPoint {
  const slice = timeSliced(o.sliceMs ?? 20);
  return async (at) => {
    if (at) o.onStep?.(at);
    if (!o.signal?.aborted) await slice(); // a signal's handler runs during this turn of the event loop
    if (o.signal?.aborted) throw new AbandonedError();
  };
}
