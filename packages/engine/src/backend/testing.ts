// Helpers for kernel tests: seeded random inputs and relative (Frobenius) error.
import * as tf from '@tensorflow/tfjs';

/** Deterministic uniform(−1, 1) values (mulberry32). */
export function randomValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape);
}

/** ‖x − ref‖₂ / max(‖ref‖₂, tiny). */
export function relError(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (x.length !== ref.length) return Number.POSITIVE_INFINITY;
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = x[i]! - ref[i]!;
    num += d * d;
    den += ref[i]! * ref[i]!;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

/** Run `f` on the given backend and read every output back (values leave no tensors behind). */
export async function onBackend(name: string, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  const prev = tf.getBackend();
  await tf.setBackend(name);
  try {
    const outs = tf.tidy(f);
    const vals = outs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    return vals;
  } finally {
    await tf.setBackend(prev);
  }
}

/** Float32 values that break careless kernels: signed zeros, subnormals (down to 2⁻¹⁴⁹ ≈ 1.4e-45), the
 * smallest normal, gradients whose square is subnormal (|g| ≈ 1e-22…1e-19), huge magnitudes, ±inf, NaN,
 * and arguments where exp over- or underflows. */
export const ADVERSARIAL: readonly number[] = Array.from(new Float32Array([
  0, -0, 1e-45, -1e-45, 1e-40, -2.5e-39, 1.1754942e-38, 1e-38, -1.17549435e-38, 1e-22, 6.86e-20, -6.86e-20, 1e-19,
  1e38, -1e38, 3.4e38, Infinity, -Infinity, NaN, 1.5, -0.75, 0.3, 20, -20, 88.5, -87, 100, -104, -120,
]));

export interface IeeeTolerance {
  /** Relative tolerance on finite values (default 1e-5). */
  rtol?: number;
  /** Absolute slack as a fraction of the largest finite |reference| value (default 0: purely relative). */
  scaleFloor?: number;
  /** Per-element bound on |got − want| from the operands (dot products, sums): Σ|terms|; times rtol. */
  bound?: ArrayLike<number>;
  /**
   * The exact result (float64 arithmetic, rounded to float32), for elements where the reference's value
   * is an artefact of its composition: an intermediate overflows, underflows to 0 (g·σ(g) for a subnormal
   * g), or meets an infinity (the chain rule's inf·0 = NaN) while the true value does not. The kernel may
   * match the exact value instead of the reference; it may never return NaN where the reference does not.
   */
  oracle?: ArrayLike<number>;
}

/**
 * Element-wise IEEE agreement with a reference: NaN exactly where the reference is NaN, never NaN where
 * the reference is not, the same infinities (with an oracle: or the exact value where the reference's
 * value is an artefact of its composition),
 * and finite values within rtol·|want| (+ a few subnormal ulps, + the optional floor or operand bound).
 * Returns descriptions of the first mismatches ([] when none).
 */
export function ieeeMismatches(got: ArrayLike<number>, want: ArrayLike<number>, tol: IeeeTolerance = {}, inputs?: (i: number) => string): string[] {
  if (got.length !== want.length) return [`length ${got.length} ≠ ${want.length}`];
  const rtol = tol.rtol ?? 1e-5;
  let scale = 0;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i]!)) scale = Math.max(scale, Math.abs(want[i]!));
  const floor = (tol.scaleFloor ?? 0) * scale + 4 * 2 ** -149;
  const close = (g: number, w: number, b: number) => {
    if (Number.isNaN(w) || Number.isNaN(g)) return Number.isNaN(w) && Number.isNaN(g);
    if (!Number.isFinite(w) || !Number.isFinite(g)) return g === w;
    return Math.abs(g - w) <= rtol * b + floor;
  };
  const out: string[] = [];
  for (let i = 0; i < want.length && out.length < 8; i++) {
    const g = got[i]!, w = want[i]!;
    if (close(g, w, tol.bound ? Math.abs(tol.bound[i]!) : Math.abs(w))) continue;
    const o = tol.oracle ? Math.fround(tol.oracle[i]!) : undefined;
    if (o !== undefined && !Number.isNaN(g) && close(g, o, tol.bound ? Math.abs(tol.bound[i]!) : Math.abs(o))) continue;
    out.push(`[${i}]${inputs ? ` (${inputs(i)})` : ''}: got ${g}, reference ${w}${o !== undefined ? `, exact ${o}` : ''}`);
  }
  return out;
}
