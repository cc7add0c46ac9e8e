// Errors of engine/methods. Each carries a stable `code` so the runner can report a bad spec (params)
// or record a cell as diverged (non-finite loss) without a stack trace.
import { EngineModelError } from '../../model/errors';

/** Hyper-parameters a method refuses (unknown key, wrong type, out of range, inconsistent phases). */
export class MethodParamError extends EngineModelError {
  constructor(message: string) {
    super('METHOD_BAD_PARAMS', message);
  }
}

/** A request or context a method cannot work with (batch too large, missing targetTrue, no location). */
export class MethodInputError extends EngineModelError {
  constructor(message: string) {
    super('METHOD_BAD_INPUT', message);
  }
}

/** A loss became NaN/±Inf: the edit diverged. The model is restored to its pre-apply weights before this is thrown. */
export class MethodDivergedError extends EngineModelError {
  readonly phase: string;
  readonly step: number;
  constructor(method: string, phase: string, step: number, loss: number) {
    super('METHOD_DIVERGED', `${method}: ${phase} phase diverged: loss ${loss} at step ${step} (the model was restored to its weights before the edit)`);
    this.phase = phase;
    this.step = step;
  }
}

/** An unknown method id (message carries "did you mean"). */
export class UnknownMethodError extends EngineModelError {
  constructor(message: string) {
    super('METHOD_UNKNOWN', message);
  }
}
