// The JavaScript path of linalg/: ml-matrix (mljs, MIT; JAMA-derived Cholesky, LU with partial pivoting and the
// symmetric tred2/tql2 eigen-solver) on float64. Used when the native addon is not built, and in the spec
// against the LAPACK path. Inputs arrive checked (shape, finiteness, symmetry) from linalg/index.ts.
import { CholeskyDecomposition, EigenvalueDecomposition, LuDecomposition, Matrix } from 'ml-matrix';
import { LinalgError } from './errors';
import { fromLower } from './check';
import { estimateInverseNorm1, norm1, rcondFrom } from './rcond';

const toMatrix = (a: Float64Array, rows: number, cols: number): Matrix => Matrix.from1DArray(rows, cols, a);

function toF64(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows * m.columns);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.columns; j++) out[i * m.columns + j] = m.get(i, j);
  return out;
}

const identity = (n: number): Matrix => Matrix.eye(n, n);

export interface Factor {
  /** X = A⁻¹ B for B [n, nrhs] row-major. */
  solve(b: Float64Array, nrhs: number): Float64Array;
  /** 1-norm reciprocal condition estimate. */
  rcond: number;
}

/** Cholesky factor of the lower triangle of a; NOT_SPD when a leading minor is not positive. */
export function jsSpdFactor(what: string, a: Float64Array, n: number): Factor {
  const sym = fromLower(a, n);
  const chol = new CholeskyDecomposition(toMatrix(sym, n, n));
  if (!chol.isPositiveDefinite()) {
    throw new LinalgError('LINALG_NOT_SPD', `${what}: the matrix is not positive definite (Cholesky failed)`);
  }
  const solve = (b: Float64Array, nrhs: number): Float64Array => toF64(chol.solve(toMatrix(b, n, nrhs)));
  const one = (b: Float64Array): Float64Array => solve(b, 1);
  return { solve, rcond: rcondFrom(norm1(sym, n), estimateInverseNorm1(n, one, one)) };
}

/** LU factor with partial pivoting; SINGULAR on an exactly zero pivot. */
export function jsLuFactor(what: string, a: Float64Array, n: number): Factor {
  const lu = new LuDecomposition(toMatrix(a, n, n));
  if (lu.isSingular()) throw new LinalgError('LINALG_SINGULAR', `${what}: the matrix is exactly singular (zero pivot in LU)`);
  const L = lu.lowerTriangularMatrix;
  const U = lu.upperTriangularMatrix;
  const piv = lu.pivotPermutationVector;
  // PA = LU ⇒ Aᵀ = Uᵀ Lᵀ P: solve Uᵀ w = c (forward), Lᵀ v = w (backward, unit diagonal), then y[piv[i]] = v[i].
  const solveT = (c: Float64Array): Float64Array => {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = c[i]!;
      for (let k = 0; k < i; k++) s -= U.get(k, i) * w[k]!;
      w[i] = s / U.get(i, i);
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = w[i]!;
      for (let k = i + 1; k < n; k++) s -= L.get(k, i) * w[k]!;
      w[i] = s;
    }
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[piv[i]!] = w[i]!;
    return y;
  };
  const solve = (b: Float64Array, nrhs: number): Float64Array => toF64(lu.solve(toMatrix(b, n, nrhs)));
  return { solve, rcond: rcondFrom(norm1(a, n), estimateInverseNorm1(n, (b) => solve(b, 1), solveT)) };
}

/** L (row-major lower) with A = L Lᵀ. */
export function jsCholesky(what: string, a: Float64Array, n: number): Float64Array {
  const chol = new CholeskyDecomposition(toMatrix(fromLower(a, n), n, n));
  if (!chol.isPositiveDefinite()) {
    throw new LinalgError('LINALG_NOT_SPD', `${what}: the matrix is not positive definite (Cholesky failed)`);
  }
  return toF64(chol.lowerTriangularMatrix);
}

/** A⁻¹ from a factor (solve against the identity); symmetric for an SPD factor (lower triangle mirrored). */
export function jsInverse(f: Factor, n: number, spd: boolean): Float64Array {
  const inv = f.solve(toF64(identity(n)), n);
  return spd ? fromLower(inv, n) : inv;
}

/** Eigenvalues ascending and eigenvectors as columns of a row-major V. */
export function jsEigh(what: string, a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  let evd: EigenvalueDecomposition;
  try {
    evd = new EigenvalueDecomposition(toMatrix(fromLower(a, n), n, n), { assumeSymmetric: true });
  } catch (e) {
    throw new LinalgError('LINALG_NO_CONVERGENCE', `${what}: eigen-decomposition failed: ${(e as Error).message}`);
  }
  const d = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const order = d.map((_, i) => i).sort((i, j) => d[i]! - d[j]! || i - j);
  const values = Float64Array.from(order, (i) => d[i]!);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) order.forEach((src, c) => (vectors[r * n + c] = V.get(r, src)));
  return { values, vectors };
}

/**
 * c (upper triangle, row-major) += xᵀx for x [rows, cols]; products of float32-exact inputs are exact in float64.
 * Four rows per pass over c's row (a quarter of the loads and stores of c).
 */
export function jsGramAccumulate(c: Float64Array, x: Float64Array, rows: number, cols: number): void {
  const full = rows - (rows % 4);
  for (let i = 0; i < cols; i++) {
    const ci = i * cols;
    for (let t = 0; t < full; t += 4) {
      const r0 = t * cols;
      const r1 = r0 + cols;
      const r2 = r1 + cols;
      const r3 = r2 + cols;
      const a0 = x[r0 + i]!;
      const a1 = x[r1 + i]!;
      const a2 = x[r2 + i]!;
      const a3 = x[r3 + i]!;
      for (let j = i; j < cols; j++) c[ci + j]! += a0 * x[r0 + j]! + a1 * x[r1 + j]! + a2 * x[r2 + j]! + a3 * x[r3 + j]!;
    }
    for (let t = full; t < rows; t++) {
      const r = t * cols;
      const a = x[r + i]!;
      for (let j = i; j < cols; j++) c[ci + j]! += a * x[r + j]!;
    }
  }
}
