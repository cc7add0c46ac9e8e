// Signals inside one long edit. A method's apply() is synchronous (the engine's trainLoop), so the
// run's signal handler, and with it the abort, waits until the edit ends. While a run can be aborted,
// the engine's training loop asks before every step whether to stop (engine train/interrupt.ts): yes
// once the run is aborted or a SIGINT/SIGTERM arrived (a flag the native addon sets even while
// JavaScript is busy). The method then restores the model and throws TrainingInterruptedError, which
// the cell turns into an abandoned cell (./yield.ts): nothing of it is cached, the rerun recomputes it.
import { onTrainingInterrupt, watchProcessSignals } from '@editlab/engine';
import { AbandonedError, yieldToEventLoop } from './yield';

/** While a run with this signal lasts: stop training steps once it is aborted or a signal arrived. Returns the removal. */
export function interruptTraining(signal: AbortSignal | undefined): () => void {
  if (!signal) return () => {};
  const seen = watchProcessSignals(); // after `process.on(...)` (cli/experiment-commands.ts): it chains to those handlers
  return onTrainingInterrupt(() => signal.aborted || (seen?.() ?? false));
}

/** Whether an error is the engine's training loop stopping on request (code TRAINING_INTERRUPTED). */
export function isTrainingInterrupted(e: unknown): boolean {
  return e instanceof Error && (e as { code?: unknown }).code === 'TRAINING_INTERRUPTED';
}

/**
 * An interrupted edit abandons its task: first give the event loop the turns in which Node runs the
 * signal's handler (which aborts the run and says so), then throw the abandon error.
 */
export async function abandonInterrupted(): Promise<never> {
  for (let i = 0; i < 5; i++) await yieldToEventLoop();
  throw new AbandonedError();
}
