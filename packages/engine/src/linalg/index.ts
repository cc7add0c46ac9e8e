// Float64 dense linear algebra on row-major Float64Arrays, which TensorFlow.js lacks (no solve, Cholesky, inverse
// or eigen-decomposition): ROME's C⁻¹k, MEMIT's solve(λC + KKᵀ, K), AlphaEdit's null-space projection
// (ROME, Meng et al. 2022; MEMIT, Meng et al. 2023; AlphaEdit, Fang et al. 2025). Two paths with the same checks and errors:
//  - 'lapack': OpenBLAS's LAPACK through the engine's native addon (native/src/lapack.c);
//  - 'js': ml-matrix, when the addon is not built (or on request, for tests and comparisons).
// Every routine refuses bad shapes, NaN/Inf, asymmetric input to a symmetric routine, non-SPD input to an SPD
// one, and singular or ill-conditioned systems (rcond < minRcond, default n·ε) with a LinalgError.
import { checkFinite, checkRcond, checkShape, checkSymmetric, SYMMETRY_TOL } from './check';
import { LinalgError } from './errors';
import { jsCholesky, jsEigh, jsGramAccumulate, jsInverse, jsLuFactor, jsSpdFactor } from './js';
import { checkInfo, lapackAddon } from './lapack';

export { LinalgError } from './errors';
export type { LinalgErrorCode } from './errors';

/** A row-major matrix: data[i·cols + j] = A[i, j]. */
export interface Mat {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

export const mat = (data: Float64Array, rows: number, cols: number): Mat => ({ data, rows, cols });

export type LinalgPath = 'lapack' | 'js';

export interface LinalgOptions {
  /** 'auto' (default): LAPACK when the addon has it, else JavaScript. 'lapack' throws when unavailable. */
  readonly path?: LinalgPath | 'auto';
  /** Relative tolerance of the symmetry check of symmetric routines (default 1e-6). */
  readonly symmetryTol?: number;
}

export interface SolveOptions extends LinalgOptions {
  /** 'spd': Cholesky (symmetric positive definite, lower triangle read); 'general' (default): LU with pivoting. */
  readonly assume?: 'spd' | 'general';
  /** Smallest accepted 1-norm reciprocal condition number (default n·ε); 0 accepts any nonsingular matrix. */
  readonly minRcond?: number;
}

/** The path 'auto' takes in this process, and why LAPACK is not used when it is not. */
export function linalgPath(): { path: LinalgPath; reason?: string } {
  const { addon, reason } = lapackAddon();
  return addon ? { path: 'lapack' } : { path: 'js', ...(reason ? { reason } : {}) };
}

function pick(opts: LinalgOptions) {
  const want = opts.path ?? 'auto';
  if (want === 'js') return undefined;
  const { addon, reason } = lapackAddon();
  if (!addon && want === 'lapack') throw new LinalgError('LINALG_NATIVE', `linalg path 'lapack' requested but unavailable: ${reason}`);
  return addon;
}

function square(what: string, a: Mat, symmetric: boolean, opts: LinalgOptions): number {
  checkShape(what, a.data, a.rows, a.cols);
  if (a.rows !== a.cols) throw new LinalgError('LINALG_BAD_SHAPE', `${what}: expected a square matrix, got ${a.rows} × ${a.cols}`);
  checkFinite(what, a.data, a.cols);
  if (symmetric) checkSymmetric(what, a.data, a.rows, opts.symmetryTol ?? SYMMETRY_TOL);
  return a.rows;
}

function checkOutput(what: string, x: Float64Array, cols: number): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new LinalgError('LINALG_NON_FINITE', `${what}: the result overflowed at [${Math.floor(i / cols)}, ${i % cols}] (badly scaled matrix)`);
    }
  }
}

/** X with A X = B (B [n, k]). */
export function solve(a: Mat, b: Mat, opts: SolveOptions = {}): Mat {
  const spd = opts.assume === 'spd';
  const what = spd ? 'solve (spd)' : 'solve';
  const n = square(what, a, spd, opts);
  checkShape(`${what}: right-hand side`, b.data, b.rows, b.cols);
  if (b.rows !== n) throw new LinalgError('LINALG_BAD_SHAPE', `${what}: A is ${n} × ${n} but B has ${b.rows} rows`);
  checkFinite(`${what}: right-hand side`, b.data, b.cols);
  const addon = pick(opts);
  let x: Float64Array;
  if (addon) {
    x = b.data.slice();
    const rcond = new Float64Array(1);
    checkInfo(what, addon.lapackSolve(a.data.slice(), n, x, b.cols, spd, rcond), spd ? 'spd' : 'lu');
    checkRcond(what, rcond[0]!, n, opts.minRcond);
  } else {
    const f = spd ? jsSpdFactor(what, a.data, n) : jsLuFactor(what, a.data, n);
    checkRcond(what, f.rcond, n, opts.minRcond);
    x = f.solve(b.data, b.cols);
  }
  checkOutput(what, x, b.cols);
  return mat(x, n, b.cols);
}

/** L (lower triangular) with A = L Lᵀ, for symmetric positive-definite A (lower triangle read). */
export function cholesky(a: Mat, opts: LinalgOptions = {}): Mat {
  const n = square('cholesky', a, true, opts);
  const addon = pick(opts);
  if (!addon) return mat(jsCholesky('cholesky', a.data, n), n, n);
  const l = a.data.slice();
  checkInfo('cholesky', addon.lapackCholesky(l, n), 'spd');
  return mat(l, n, n);
}

/** A⁻¹ (symmetric when assume 'spd'). Prefer solve() where a product with the inverse is all that is needed. */
export function inverse(a: Mat, opts: SolveOptions = {}): Mat {
  const spd = opts.assume === 'spd';
  const what = spd ? 'inverse (spd)' : 'inverse';
  const n = square(what, a, spd, opts);
  const addon = pick(opts);
  let inv: Float64Array;
  if (addon) {
    inv = a.data.slice();
    const rcond = new Float64Array(1);
    checkInfo(what, addon.lapackInverse(inv, n, spd, rcond), spd ? 'spd' : 'lu');
    checkRcond(what, rcond[0]!, n, opts.minRcond);
  } else {
    const f = spd ? jsSpdFactor(what, a.data, n) : jsLuFactor(what, a.data, n);
    checkRcond(what, f.rcond, n, opts.minRcond);
    inv = jsInverse(f, n, spd);
  }
  checkOutput(what, inv, n);
  return mat(inv, n, n);
}

/** Symmetric eigen-decomposition A = V diag(values) Vᵀ: values ascending, column j of V is eigenvector j (unit norm). */
export function eigh(a: Mat, opts: LinalgOptions = {}): { values: Float64Array; vectors: Mat } {
  const n = square('eigh', a, true, opts);
  const addon = pick(opts);
  if (!addon) {
    const r = jsEigh('eigh', a.data, n);
    return { values: r.values, vectors: mat(r.vectors, n, n) };
  }
  const v = a.data.slice();
  const w = new Float64Array(n);
  checkInfo('eigh', addon.lapackEigh(v, n, w), 'eigh');
  return { values: w, vectors: mat(v, n, n) };
}

/**
 * acc (cols × cols, row-major) += xᵀx for x [rows, cols], updating the UPPER triangle only (BLAS dsyrk's
 * convention); call mirrorUpper(acc) once when done. Float64 throughout: products of float32 inputs are exact.
 */
export function gramAccumulate(acc: Float64Array, x: Float64Array, rows: number, cols: number, opts: LinalgOptions = {}): void {
  checkShape('gramAccumulate: accumulator', acc, cols, cols);
  checkShape('gramAccumulate: x', x, rows, cols);
  const addon = pick(opts);
  if (addon) addon.gramAccumulate(acc, x, rows, cols);
  else jsGramAccumulate(acc, x, rows, cols);
}

/** Copy the upper triangle onto the lower one, in place. */
export function mirrorUpper(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j]!;
}
