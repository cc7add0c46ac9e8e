// Reference compositions of the model's compound ops from stock tfjs ops: the semantics every fused
// kernel (fused.ts) must reproduce, and the path ops.ts takes where no fused kernel is registered
// (backends other than wasm, or wasm without the native addon).
import * as tf from '@tensorflow/tfjs';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** tanh-approximated GELU (GPT-2's "gelu_new"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x3 = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(x3, 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}

/** SwiGLU gate: silu(gate) · up. */
export function swiglu(gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(gate, tf.sigmoid(gate)), up));
}

/** LayerNorm over the last axis: (x − μ)/√(σ² + ε) · γ + β. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
  });
}

/** RMSNorm over the last axis: x / √(mean(x²) + ε) · γ. */
export function rmsNorm(x: tf.Tensor, gamma: tf.Tensor, eps = 1e-6): tf.Tensor {
  return tf.tidy(() => {
    const ms = tf.mean(tf.mul(x, x), -1, true);
    return tf.mul(tf.mul(x, tf.rsqrt(tf.add(ms, eps))), gamma);
  });
}

/**
 * Masked mean next-token cross-entropy.
 * logits [N, V], targets [N] int32, mask [N] float32 (1 = counted). Returns a scalar:
 * Σ mask·(−log softmax(logits)[target]) / max(Σ mask, 1).
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logp, tf.oneHot(targets, logits.shape[1])), -1);
    const total = tf.sum(tf.mul(tf.neg(picked), mask));
    return tf.div(total, tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

/**
 * RoPE in the "rotate half" layout (Su et al. 2021, RoFormer eq. 34; model/rope.ts): x [B, T, H, dh],
 * cos/sin [B, T, 1, dh]: x·cos + [−x₂, x₁]·sin.
 */
export function rope(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const half = x.shape[3] / 2;
    const x1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, half]);
    const x2 = tf.slice(x, [0, 0, 0, half], [-1, -1, -1, half]);
    const rot = tf.concat([tf.neg(x2), x1], 3); // rotate_half(x)
    return tf.add(tf.mul(x, cos), tf.mul(rot, sin));
  });
}
