// Input checks shared by both linear-algebra paths (LAPACK and JavaScript), so both refuse the same inputs with
// the same messages. Symmetric routines read the lower triangle only (LAPACK's convention; numpy.linalg.eigh's
// default UPLO='L'), after checking that the upper one agrees to a relative tolerance.
import { LinalgError } from './errors';

/** Refuse a buffer whose length is not rows × cols, or non-integer / non-positive dimensions. */
export function checkShape(what: string, a: Float64Array, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new LinalgError('LINALG_BAD_SHAPE', `${what}: dimensions must be positive integers, got ${rows} × ${cols}`);
  }
  if (!(a instanceof Float64Array)) throw new LinalgError('LINALG_BAD_SHAPE', `${what}: expected a Float64Array`);
  if (a.length !== rows * cols) {
    throw new LinalgError('LINALG_BAD_SHAPE', `${what}: length ${a.length} does not match ${rows} × ${cols} = ${rows * cols}`);
  }
}

/** Refuse NaN / ±Infinity, naming the first bad entry. */
export function checkFinite(what: string, a: Float64Array, cols: number): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) {
      throw new LinalgError('LINALG_NON_FINITE', `${what}: entry [${Math.floor(i / cols)}, ${i % cols}] is ${a[i]}`);
    }
  }
}

/** Default relative tolerance of the symmetry check: float32-computed Gram matrices differ from their transpose by ~1e-7. */
export const SYMMETRY_TOL = 1e-6;

/** Refuse a matrix whose upper triangle differs from its lower one by more than tol · max|a_ij|. */
export function checkSymmetric(what: string, a: Float64Array, n: number, tol = SYMMETRY_TOL): void {
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(a[i]!));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.abs(a[i * n + j]! - a[j * n + i]!);
      if (d > tol * scale) {
        throw new LinalgError(
          'LINALG_NOT_SYMMETRIC',
          `${what}: not symmetric: |a[${i}, ${j}] − a[${j}, ${i}]| = ${d.toExponential(3)} > ${tol} × max|a| (${scale.toExponential(3)})`,
        );
      }
    }
  }
}

/** Copy of a with the lower triangle mirrored onto the upper one (what the symmetric routines read). */
export function fromLower(a: Float64Array, n: number): Float64Array {
  const out = a.slice();
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[i * n + j] = out[j * n + i]!;
  return out;
}

/**
 * Refuse a solve whose reciprocal condition number (1-norm estimate) is below minRcond. The default n·ε is the
 * "singular to working precision" rule (numpy.linalg.matrix_rank's tolerance σ_max·n·ε, Golub & Van Loan §2.5.5).
 */
export function checkRcond(what: string, rcond: number, n: number, minRcond: number | undefined): void {
  const min = minRcond ?? n * Number.EPSILON;
  if (!(rcond >= min)) {
    throw new LinalgError(
      'LINALG_ILL_CONDITIONED',
      `${what}: the matrix is singular to working precision or ill-conditioned: reciprocal condition number ` +
        `${rcond.toExponential(3)} < ${min.toExponential(3)}${minRcond === undefined ? ' (n·ε)' : ' (minRcond)'}; ` +
        `regularise it (add λ·I) or pass a smaller minRcond`,
    );
  }
}
