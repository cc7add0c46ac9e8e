// Both linear-algebra paths (LAPACK through the native addon, ml-matrix in JavaScript) on the same inputs:
// they agree to 1e-8 on solves, each reconstructs its input, and bad inputs give the same LinalgError codes.
// The JavaScript path runs everywhere; the LAPACK tests are skipped, with the reason in their name, when the
// addon is not built (EDITLAB_NATIVE=0 simulates that).
import { describe, expect, it } from 'vitest';
import { Rng } from '../model/prng';
import { cholesky, eigh, gramAccumulate, inverse, linalgPath, mat, mirrorUpper, solve, type LinalgPath, type Mat } from './index';

const native = linalgPath();
const paths: LinalgPath[] = native.path === 'lapack' ? ['lapack', 'js'] : ['js'];
const lapackName = native.path === 'lapack' ? 'LAPACK and JS paths agree' : `LAPACK path skipped (${native.reason})`;

function randn(rows: number, cols: number, seed: number): Mat {
  const r = new Rng(seed);
  return mat(Float64Array.from({ length: rows * cols }, () => r.normal()), rows, cols);
}

function matmul(a: Mat, b: Mat, transA = false): Mat {
  const [m, k] = transA ? [a.cols, a.rows] : [a.rows, a.cols];
  const out = new Float64Array(m * b.cols);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = transA ? a.data[p * a.cols + i]! : a.data[i * a.cols + p]!;
      for (let j = 0; j < b.cols; j++) out[i * b.cols + j]! += aip * b.data[p * b.cols + j]!;
    }
  }
  return mat(out, m, b.cols);
}

const transpose = (a: Mat): Mat => {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!;
  return mat(out, a.cols, a.rows);
};

const maxAbsDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

/** Random SPD matrix MᵀM/n + I (condition number ~ 5). */
function spd(n: number, seed: number): Mat {
  const m = randn(n, n, seed);
  const g = matmul(m, m, true);
  return mat(g.data.map((x, i) => x / n + (i % (n + 1) === 0 ? 1 : 0)), n, n);
}

const eye = (n: number): Float64Array => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));

const hilbert = (n: number): Mat => mat(Float64Array.from({ length: n * n }, (_, i) => 1 / (Math.floor(i / n) + (i % n) + 1)), n, n);

describe('linalg', () => {
  const n = 48;
  const A = spd(n, 1);
  const G = mat(randn(n, n, 2).data.map((x, i) => x + (i % (n + 1) === 0 ? 8 : 0)), n, n); // general, well-conditioned
  const B = randn(n, 3, 3);

  it.each(paths)('%s: solves SPD and general systems (residual < 1e-11)', (path) => {
    for (const [a, assume] of [[A, 'spd'], [A, 'general'], [G, 'general']] as const) {
      const x = solve(a, B, { path, assume });
      expect([x.rows, x.cols]).toEqual([n, 3]);
      expect(maxAbsDiff(matmul(a, x).data, B.data)).toBeLessThan(1e-11);
    }
  });

  it.skipIf(paths.length < 2)(`${lapackName}: solve to 1e-8, cholesky, inverse, eigenvalues`, () => {
    for (const [a, assume] of [[A, 'spd'], [G, 'general']] as const) {
      const xl = solve(a, B, { path: 'lapack', assume });
      const xj = solve(a, B, { path: 'js', assume });
      expect(maxAbsDiff(xl.data, xj.data)).toBeLessThan(1e-8);
      expect(maxAbsDiff(inverse(a, { path: 'lapack', assume }).data, inverse(a, { path: 'js', assume }).data)).toBeLessThan(1e-8);
    }
    expect(maxAbsDiff(cholesky(A, { path: 'lapack' }).data, cholesky(A, { path: 'js' }).data)).toBeLessThan(1e-10);
    expect(maxAbsDiff(eigh(A, { path: 'lapack' }).values, eigh(A, { path: 'js' }).values)).toBeLessThan(1e-10);
  });

  it.each(paths)('%s: cholesky is lower triangular with L Lᵀ = A', (path) => {
    const L = cholesky(A, { path });
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(L.data[i * n + j]).toBe(0);
    expect(maxAbsDiff(matmul(L, transpose(L)).data, A.data)).toBeLessThan(1e-12);
  });

  it.each(paths)('%s: inverse gives A·A⁻¹ = I; the SPD inverse is exactly symmetric', (path) => {
    const inv = inverse(A, { path, assume: 'spd' });
    expect(maxAbsDiff(matmul(A, inv).data, eye(n))).toBeLessThan(1e-12);
    expect(maxAbsDiff(inv.data, transpose(inv).data)).toBe(0);
    expect(maxAbsDiff(matmul(G, inverse(G, { path })).data, eye(n))).toBeLessThan(1e-12);
  });

  it.each(paths)('%s: eigh reconstructs A, orthonormal vectors, ascending values', (path) => {
    // A rank-deficient PSD matrix too (AlphaEdit's K₀K₀ᵀ with fewer keys than dimensions): zero eigenvalues.
    const K = randn(n, 10, 4);
    const low = matmul(K, transpose(K));
    for (const a of [A, low]) {
      const { values, vectors: V } = eigh(a, { path });
      for (let i = 1; i < n; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
      const VD = mat(V.data.map((x, i) => x * values[i % n]!), n, n);
      expect(maxAbsDiff(matmul(VD, transpose(V)).data, a.data)).toBeLessThan(1e-10 * Math.max(1, values[n - 1]!));
      expect(maxAbsDiff(matmul(V, V, true).data, eye(n))).toBeLessThan(1e-12);
    }
    const lowValues = eigh(low, { path }).values;
    expect(lowValues.filter((v) => Math.abs(v) < 1e-9 * lowValues[n - 1]!).length).toBe(n - 10);
  });

  it.each(paths)('%s: singular, ill-conditioned, indefinite, asymmetric, non-finite and mis-shaped inputs give clear errors', (path) => {
    const code = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect((e as Error).name).toBe('LinalgError');
        expect((e as Error).message.length).toBeGreaterThan(20);
        return (e as { code: string }).code;
      }
      return 'no error';
    };
    const singular = mat(G.data.slice(), n, n);
    singular.data.copyWithin(n, 0, n); // row 1 = row 0
    // Exactly singular in floating point (zero pivot) or singular to working precision (rcond < n·ε): never a NaN result.
    expect(['LINALG_SINGULAR', 'LINALG_ILL_CONDITIONED']).toContain(code(() => solve(singular, B, { path })));
    expect(['LINALG_SINGULAR', 'LINALG_ILL_CONDITIONED']).toContain(code(() => inverse(singular, { path })));
    const zeros = mat(new Float64Array(n * n), n, n);
    expect(['LINALG_SINGULAR', 'LINALG_ILL_CONDITIONED']).toContain(code(() => solve(zeros, B, { path })));
    // Hilbert 12 × 12: rcond ≈ 1e-17, SPD in exact arithmetic.
    const H = hilbert(12);
    const b12 = randn(12, 1, 5);
    expect(['LINALG_NOT_SPD', 'LINALG_ILL_CONDITIONED']).toContain(code(() => solve(H, b12, { path, assume: 'spd' })));
    expect(code(() => solve(H, b12, { path }))).toBe('LINALG_ILL_CONDITIONED');
    // Hilbert 6 × 6 (rcond ≈ 6e-8) passes by default and is refused under a stricter minRcond.
    expect(code(() => solve(hilbert(6), randn(6, 1, 6), { path, assume: 'spd' }))).toBe('no error');
    expect(code(() => solve(hilbert(6), randn(6, 1, 6), { path, assume: 'spd', minRcond: 1e-6 }))).toBe('LINALG_ILL_CONDITIONED');
    const indefinite = mat(A.data.map((x, i) => (i === 0 ? -x : x)), n, n);
    expect(code(() => solve(indefinite, B, { path, assume: 'spd' }))).toBe('LINALG_NOT_SPD');
    expect(code(() => cholesky(indefinite, { path }))).toBe('LINALG_NOT_SPD');
    expect(code(() => solve(G, B, { path, assume: 'spd' }))).toBe('LINALG_NOT_SYMMETRIC');
    expect(code(() => eigh(G, { path }))).toBe('LINALG_NOT_SYMMETRIC');
    const nan = mat(A.data.slice(), n, n);
    nan.data[5] = Number.NaN;
    expect(code(() => solve(nan, B, { path }))).toBe('LINALG_NON_FINITE');
    expect(code(() => eigh(nan, { path }))).toBe('LINALG_NON_FINITE');
    expect(code(() => solve(A, mat(B.data, 3, n), { path }))).toBe('LINALG_BAD_SHAPE');
    expect(code(() => solve(mat(A.data, n, n - 1), B, { path }))).toBe('LINALG_BAD_SHAPE');
  });

  it.each(paths)('%s: gramAccumulate sums xᵀx over calls in float64', (path) => {
    const cols = 37;
    const x1 = randn(50, cols, 7).data.map((v) => Math.fround(v));
    const x2 = randn(13, cols, 8).data.map((v) => Math.fround(v));
    const acc = new Float64Array(cols * cols);
    gramAccumulate(acc, x1, 50, cols, { path });
    gramAccumulate(acc, x2, 13, cols, { path });
    mirrorUpper(acc, cols);
    const direct = matmul(mat(Float64Array.from([...x1, ...x2]), 63, cols), mat(Float64Array.from([...x1, ...x2]), 63, cols), true);
    expect(maxAbsDiff(acc, direct.data)).toBeLessThan(1e-12);
  });
});
