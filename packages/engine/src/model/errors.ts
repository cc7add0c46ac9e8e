// Errors of the engine's model story (model, hooks, train, generate, score). Each has a stable `code`
// so callers (the runner) can report bad input without a stack trace.

export class EngineModelError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A hook name that does not exist for this model (message carries a "did you mean"). */
export class UnknownHookError extends EngineModelError {
  constructor(message: string) {
    super('ENGINE_UNKNOWN_HOOK', message);
  }
}

/** A tensor or weight whose shape or dtype does not match what the model expects. */
export class ShapeMismatchError extends EngineModelError {
  constructor(message: string) {
    super('ENGINE_SHAPE_MISMATCH', message);
  }
}

/** An invalid ModelConfig or option value. */
export class ModelConfigError extends EngineModelError {
  constructor(message: string) {
    super('ENGINE_BAD_CONFIG', message);
  }
}

/** Input longer than the model's maxSeq. */
export class SequenceTooLongError extends EngineModelError {
  constructor(message: string) {
    super('ENGINE_SEQUENCE_TOO_LONG', message);
  }
}

/** A parameter name that does not exist in this model (message carries a "did you mean"). */
export class UnknownParamError extends EngineModelError {
  constructor(message: string) {
    super('ENGINE_UNKNOWN_PARAM', message);
  }
}
