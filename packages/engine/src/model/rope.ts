// Rotary position embedding (Su et al. 2021, RoFormer eq. 34), in the "rotate half" layout of
// Hugging Face Llama/Qwen2: for head vector x = [x₁, x₂] (halves), RoPE(x, p) = x·cos(pθ) + [−x₂, x₁]·sin(pθ)
// with θ_i = base^(−2i/dh), i = 0..dh/2−1, and cos/sin repeated over both halves.
import * as tf from '@tensorflow/tfjs';
import { rope } from '../kernels/ops';

/** Inverse frequencies θ_i = base^(−2i/dh), computed in JS (no tf.pow). */
export function ropeInvFreq(dh: number, base: number): Float32Array {
  const half = dh / 2;
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) out[i] = Math.exp(-((2 * i) / dh) * Math.log(base));
  return out;
}

/** cos and sin tables for position ids [B, T] → each [B, T, 1, dh] (broadcast over heads). */
export function ropeTables(positions: tf.Tensor2D, dh: number, base: number): { cos: tf.Tensor4D; sin: tf.Tensor4D } {
  const [B, T] = positions.shape;
  const inv = tf.tensor2d(ropeInvFreq(dh, base), [1, dh / 2]); // [1, dh/2]
  const ang = tf.matMul(tf.reshape(tf.cast(positions, 'float32'), [B * T, 1]), inv); // [B·T, dh/2]
  const full = tf.concat([ang, ang], 1); // [B·T, dh]
  return { cos: tf.reshape(tf.cos(full), [B, T, 1, dh]), sin: tf.reshape(tf.sin(full), [B, T, 1, dh]) };
}

/** Apply RoPE to x [B, T, heads, dh]: kernels/ops.ts `rope` (reference composition in kernels/reference.ts; fused on wasm with the native addon). */
export function applyRope(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  return rope(x, cos, sin);
}
