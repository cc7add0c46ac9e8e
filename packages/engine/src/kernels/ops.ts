// The model's compound ops, in one place, so that faster fused kernels (with custom gradients) can
// replace a composition without touching the model. Each function keeps the semantics of its reference
// composition (reference.ts); where the engine's fused kernel is registered on the active backend
// (wasm + the native addon, see backend/native-kernels.ts) and the inputs fit it, the fused path runs.
import * as tf from '@tensorflow/tfjs';
import * as fused from './fused';
import * as ref from './reference';

/** tanh-approximated GELU (GPT-2's "gelu_new"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return fused.canGelu(x) ? fused.gelu(x) : ref.gelu(x);
}

/** x · w + bias for x [N, k], w [k, m], bias [m] (tf.fused.matMul; its kernel directly outside the tape). */
export function linearBias(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D {
  return fused.linearBias(x, w, bias);
}

/** SwiGLU gate: silu(gate) · up. */
export function swiglu(gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  return fused.canSwiglu(gate, up) ? fused.swiglu(gate, up) : ref.swiglu(gate, up);
}

/** LayerNorm over the last axis: (x − μ)/√(σ² + ε) · γ + β. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  return fused.canLayerNorm(x, gamma, beta) ? fused.layerNorm(x, gamma, beta, eps) : ref.layerNorm(x, gamma, beta, eps);
}

/** RMSNorm over the last axis: x / √(mean(x²) + ε) · γ. */
export function rmsNorm(x: tf.Tensor, gamma: tf.Tensor, eps = 1e-6): tf.Tensor {
  return fused.canRmsNorm(x, gamma) ? fused.rmsNorm(x, gamma, eps) : ref.rmsNorm(x, gamma, eps);
}

/**
 * Masked mean next-token cross-entropy.
 * logits [N, V], targets [N] int32, mask [N] float32 (1 = counted). Returns a scalar:
 * Σ mask·(−log softmax(logits)[target]) / max(Σ mask, 1).
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return fused.canMaskedCrossEntropy(logits, targets, mask)
    ? fused.maskedCrossEntropy(logits, targets, mask)
    : ref.maskedCrossEntropy(logits, targets, mask);
}

/** RoPE, rotate-half layout: x [B, T, H, dh], cos/sin [B, T, 1, dh] → x·cos + [−x₂, x₁]·sin. */
export function rope(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  return fused.canRope(x, cos, sin) ? fused.rope(x, cos, sin) : ref.rope(x, cos, sin);
}

/**
 * Causal self-attention of a pass without a KV cache, in one fused kernel each way, where it is registered:
 * z = softmax(q·kᵀ·scale + mask)·v, q, z [B, T, H, dh], k, v [B, T, Hkv, dh] (grouped-query heads). Undefined when the fused kernel does not fit (the
 * model then runs its own composition, model/forward.ts `attend`, which the fused kernel reproduces bit for bit).
 */
export function fusedAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor, scale: number): tf.Tensor4D | undefined {
  return fused.canAttention(q, k, v, mask) ? fused.attention(q, k, v, mask, scale) : undefined;
}

/** The same with a KV cache (generation, no gradient): z and the new cache k, v [B, Hkv, P+T, dh]; undefined where it does not fit. */
export function fusedAttentionCached(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, past: { k: tf.Tensor4D; v: tf.Tensor4D } | undefined,
  mask: tf.Tensor, scale: number): { z: tf.Tensor4D; k: tf.Tensor4D; v: tf.Tensor4D } | undefined {
  return fused.canAttentionCached(q, k, v, past, mask) ? fused.attentionCached(q, k, v, past, mask, scale) : undefined;
}
