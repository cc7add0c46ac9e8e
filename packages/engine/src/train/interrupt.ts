// Cooperative cancellation of the training loop. A method's apply() and its trainLoop are synchronous,
// so a signal's JavaScript handler (Ctrl-C in `editlab run`) runs only after the whole edit; instead
// trainLoop asks `trainingInterrupted()` before each step and, once a registered check says so, stops
// with TrainingInterruptedError (a method's defineMethod restores the model on it, as on any error).
// The check is a plain function call between steps: it changes no number a run computes.
// A check can read a flag that a signal sets while JavaScript is busy: `watchProcessSignals()` (the
// native addon chains a handler in front of Node's, native/src/signals.c; without the addon there is
// none, and a run stops at its next yield point instead).
import { EngineModelError } from '../model/errors';
import { loadNativeAddon } from '../backend/native';

const checks = new Set<() => boolean>();

/** Register a check asked before every training step; returns its removal. */
export function onTrainingInterrupt(check: () => boolean): () => void {
  checks.add(check);
  return () => void checks.delete(check);
}

/** Whether any registered check asks the training loop to stop. */
export function trainingInterrupted(): boolean {
  for (const c of checks) if (c()) return true;
  return false;
}

/** Training stopped between two steps because a check asked it to (e.g. a signal); not an error of the method. */
export class TrainingInterruptedError extends EngineModelError {
  readonly step: number;
  constructor(step: number) {
    super('TRAINING_INTERRUPTED', `training interrupted before step ${step}`);
    this.step = step;
  }
}

/**
 * Start watching SIGINT and SIGTERM for the JavaScript handlers installed now (call it after
 * `process.on(...)`): returns a check that is true once one of them arrived, even while JavaScript is
 * busy, or undefined when the native addon is absent or predates the watch.
 */
export function watchProcessSignals(): (() => boolean) | undefined {
  const { addon } = loadNativeAddon();
  if (!addon?.watchSignals || !addon.pendingSignal) return undefined;
  if (addon.watchSignals() === 0) return undefined;
  const pending = addon.pendingSignal.bind(addon);
  return () => pending() !== 0;
}

/** Whether this build can see signals while JavaScript is busy (the native addon with signals.c). */
export function canWatchSignals(): boolean {
  const { addon } = loadNativeAddon();
  return addon?.watchSignals !== undefined && addon.pendingSignal !== undefined;
}
