// The LAPACK path of linalg/: the functions native/src/lapack.c adds to the engine's addon (OpenBLAS's
// dpotrf/dpotrs/dpocon/dpotri, dgetrf/dgetrs/dgecon/dgetri, dsyevd, and cblas_dsyrk). Inputs arrive checked
// (shape, finiteness, symmetry) from linalg/index.ts; this file turns LAPACK's `info` into LinalgErrors.
import { loadNativeAddon } from '../backend/native';
import { LinalgError } from './errors';

export interface LapackAddon {
  /** a (row-major, lower triangle read) ← L with A = L Lᵀ; returns info. */
  lapackCholesky(a: Float64Array, n: number): number;
  /** b [n, nrhs] ← A⁻¹ b; a is overwritten by its factor; rcondOut[0] ← 1-norm reciprocal condition estimate. */
  lapackSolve(a: Float64Array, n: number, b: Float64Array, nrhs: number, spd: boolean, rcondOut: Float64Array): number;
  /** a ← A⁻¹; rcondOut[0] ← 1-norm reciprocal condition estimate. */
  lapackInverse(a: Float64Array, n: number, spd: boolean, rcondOut: Float64Array): number;
  /** w ← eigenvalues ascending; a ← eigenvectors as columns. */
  lapackEigh(a: Float64Array, n: number, w: Float64Array): number;
  /** c[cols, cols] (upper triangle) += xᵀx. */
  gramAccumulate(c: Float64Array, x: Float64Array, rows: number, cols: number): void;
}

let cached: { addon?: LapackAddon; reason?: string } | undefined;

/** The addon's LAPACK functions, or why they are unavailable (addon not built, or built before lapack.c). */
export function lapackAddon(): { addon?: LapackAddon; reason?: string } {
  if (cached) return cached;
  const { addon, reason } = loadNativeAddon();
  if (!addon) cached = { reason: reason ?? 'native addon unavailable' };
  else if (typeof (addon as unknown as Partial<LapackAddon>).lapackSolve !== 'function') {
    cached = {
      reason: 'the native addon has no LAPACK functions (built before native/src/lapack.c: npm run build:native -w @editlab/engine; or OpenBLAS lacks LAPACK)',
    };
  } else cached = { addon: addon as unknown as LapackAddon };
  return cached;
}

/** Throw the LinalgError that a nonzero LAPACK info means for this kind of routine. */
export function checkInfo(what: string, info: number, kind: 'spd' | 'lu' | 'eigh'): void {
  if (info === 0) return;
  if (info === -1000) throw new LinalgError('LINALG_NATIVE', `${what}: out of memory in the native LAPACK call`);
  if (info < 0) throw new LinalgError('LINALG_NATIVE', `${what}: LAPACK rejected argument ${-info} (a bug in linalg/)`);
  if (kind === 'spd') {
    throw new LinalgError('LINALG_NOT_SPD', `${what}: the matrix is not positive definite (leading minor of order ${info} is not positive)`);
  }
  if (kind === 'lu') throw new LinalgError('LINALG_SINGULAR', `${what}: the matrix is exactly singular (U[${info - 1}, ${info - 1}] = 0 in LU)`);
  throw new LinalgError('LINALG_NO_CONVERGENCE', `${what}: the eigen-solver did not converge (dsyevd info ${info})`);
}
