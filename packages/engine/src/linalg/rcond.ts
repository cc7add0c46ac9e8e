// Reciprocal condition number in the 1-norm for the JavaScript path, from a factorisation's solves: Hager's
// estimate of ‖A⁻¹‖₁ (Hager 1984, "Condition estimates"; Higham 1988, ACM TOMS 14(4), Algorithm 4.1 — what
// LAPACK's dlacn2 behind dgecon/dpocon implements), with Higham's alternating-sign test vector as a safeguard.
// rcond = 1 / (‖A‖₁ · est‖A⁻¹‖₁), as LAPACK reports it; an estimate, usually within a factor of 3 of the truth.

/** Max column sum of |a| (the 1-norm) of a row-major n×n matrix. */
export function norm1(a: Float64Array, n: number): number {
  const col = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) col[j]! += Math.abs(a[i * n + j]!);
  return col.reduce((m, x) => Math.max(m, x), 0);
}

const sum1 = (x: Float64Array): number => x.reduce((s, v) => s + Math.abs(v), 0);

/** Estimate ‖A⁻¹‖₁ given x ↦ A⁻¹x and x ↦ A⁻ᵀx. */
export function estimateInverseNorm1(n: number, solve: (b: Float64Array) => Float64Array, solveT: (b: Float64Array) => Float64Array): number {
  let x = new Float64Array(n).fill(1 / n);
  let est = 0;
  for (let iter = 0; iter < 5; iter++) {
    const y = solve(x);
    const ny = sum1(y);
    if (iter > 0 && ny <= est) break;
    est = ny;
    const z = solveT(y.map((v) => (v >= 0 ? 1 : -1)));
    let j = 0;
    for (let i = 1; i < n; i++) if (Math.abs(z[i]!) > Math.abs(z[j]!)) j = i;
    let zx = 0;
    for (let i = 0; i < n; i++) zx += z[i]! * x[i]!;
    if (iter > 0 && Math.abs(z[j]!) <= zx) break;
    x = new Float64Array(n);
    x[j] = 1;
  }
  const alt = new Float64Array(n).map((_, i) => (i % 2 === 0 ? 1 : -1) * (1 + (n > 1 ? i / (n - 1) : 0)));
  return Math.max(est, (2 * sum1(solve(alt))) / (3 * n));
}

export function rcondFrom(aNorm1: number, invNorm1: number): number {
  if (aNorm1 === 0 || !Number.isFinite(invNorm1)) return 0;
  return 1 / (aNorm1 * invNorm1);
}
