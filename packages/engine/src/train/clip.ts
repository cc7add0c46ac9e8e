// Gradient clipping by global norm (Pascanu et al. 2013, "On the difficulty of training recurrent
// neural networks", Alg. 2): g ← g · c/‖g‖₂ when ‖g‖₂ > c, the norm taken over all gradients together.
import * as tf from '@tensorflow/tfjs';
import { scaleAll, sumSquaresOf } from '../kernels/grads';

/**
 * ‖g‖₂ over all the tensors (float32 reduction, one sync): sqrt(addN([Σ g_t²])). With the native kernel the Σ g_t² come
 * from one call and the addN and sqrt run here in float32 (Math.fround after each operation: a float sum or square root
 * computed in double and rounded once is the float one), in addN's order, the first to the last.
 */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  const sums = sumSquaresOf(grads);
  if (!sums) return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
  let total = sums[0]!;
  for (let t = 1; t < sums.length; t++) total = Math.fround(total + sums[t]!);
  return Math.fround(Math.sqrt(total));
}

/**
 * Clip the gradients to global norm `clip` (≤ 0: no clipping). Returns the list to apply: the inputs
 * themselves when nothing changes, else scaled copies (the inputs it replaces are disposed). A missing
 * gradient (a parameter the loss does not reach) stays missing.
 */
export function clipGlobalNorm<G extends tf.Tensor | undefined>(grads: G[], clip: number): G[] {
  const present = grads.filter((g): g is NonNullable<G> => g !== undefined);
  if (!(clip > 0) || present.length === 0) return grads;
  const norm = globalNorm(present);
  if (norm <= clip) return grads;
  const scaled = scaleAll(present, clip / norm);
  if (scaled) {
    let i = 0;
    return grads.map((g) => {
      if (g === undefined) return g;
      g.dispose();
      return scaled[i++] as G;
    });
  }
  return grads.map((g) => {
    if (g === undefined) return g;
    const s = tf.mul(g, clip / norm) as G;
    g.dispose();
    return s;
  });
}
