// Gradient clipping by global norm (Pascanu et al. 2013, "On the difficulty of training recurrent
// neural networks", Alg. 2): g ← g · c/‖g‖₂ when ‖g‖₂ > c, the norm taken over all gradients together.
import * as tf from '@tensorflow/tfjs';

/** ‖g‖₂ over all the tensors (float32 reduction, one sync). */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
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
  return grads.map((g) => {
    if (g === undefined) return g;
    const scaled = tf.mul(g, clip / norm) as G;
    g.dispose();
    return scaled;
  });
}
