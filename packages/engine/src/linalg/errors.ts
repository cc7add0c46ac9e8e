// Errors of the float64 linear algebra (linalg/). Each has a stable `code`, so a caller (a method, the runner)
// can say what was wrong with a matrix instead of propagating NaN.
import { EngineModelError } from '../model/errors';

export type LinalgErrorCode =
  | 'LINALG_BAD_SHAPE'
  | 'LINALG_NON_FINITE'
  | 'LINALG_NOT_SYMMETRIC'
  | 'LINALG_NOT_SPD'
  | 'LINALG_SINGULAR'
  | 'LINALG_ILL_CONDITIONED'
  | 'LINALG_NO_CONVERGENCE'
  | 'LINALG_NATIVE';

export class LinalgError extends EngineModelError {
  declare readonly code: LinalgErrorCode;
  constructor(code: LinalgErrorCode, message: string) {
    super(code, message);
  }
}
