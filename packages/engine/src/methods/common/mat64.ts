// Small float64 products on row-major arrays for the closed-form updates of MEMIT and AlphaEdit (the solves
// and decompositions are linalg/'s LAPACK or ml-matrix). Sizes here are d_mlp × n and d_mlp × d_mlp.
import { mat, type Mat } from '../../linalg/index';

/** A·B. */
export function mul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new Error(`mat64.mul: ${a.rows}×${a.cols} by ${b.rows}×${b.cols}`);
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    const o = i * b.cols;
    for (let k = 0; k < a.cols; k++) {
      const x = a.data[i * a.cols + k]!;
      if (x === 0) continue;
      const r = k * b.cols;
      for (let j = 0; j < b.cols; j++) out[o + j]! += x * b.data[r + j]!;
    }
  }
  return mat(out, a.rows, b.cols);
}

export function transpose(a: Mat): Mat {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!;
  return mat(out, a.cols, a.rows);
}

/** Columns → matrix: vectors v_j (length rows) as the columns of a rows × n matrix. */
export function columns(vs: readonly Float64Array[], rows: number): Mat {
  const out = new Float64Array(rows * vs.length);
  vs.forEach((v, j) => {
    for (let i = 0; i < rows; i++) out[i * vs.length + j] = v[i]!;
  });
  return mat(out, rows, vs.length);
}

/** α·A + β·B (same shape). */
export function axpby(alpha: number, a: Mat, beta: number, b: Mat): Mat {
  return mat(a.data.map((x, i) => alpha * x + beta * b.data[i]!), a.rows, a.cols);
}

/** A + λI (square). */
export function addIdentity(a: Mat, lambda: number): Mat {
  const out = a.data.slice();
  for (let i = 0; i < a.rows; i++) out[i * a.cols + i]! += lambda;
  return mat(out, a.rows, a.cols);
}
