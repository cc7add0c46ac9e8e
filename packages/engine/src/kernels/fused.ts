// Fused compound ops with custom gradients: one native kernel forward and one backward (registered on
// wasm by backend/native-kernels.ts when the addon is built) instead of 5-15 tfjs kernels each way.
// Each agrees with its composition in reference.ts (fused.spec.ts: values and gradients, rel. error < 1e-5); the
// attention kernels give model/forward.ts's composition's bits exactly (attention.spec.ts).
import * as tf from '@tensorflow/tfjs';
import { NATIVE_MIN_WORK } from '../backend/matmul-native';
import { FUSED_KERNELS } from './names';
import { f32, has, run, taping, type NamedInputs } from './registry';

const K = FUSED_KERNELS;

type Save = (ts: tf.Tensor[]) => void;
type GradResult = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };
const custom = (f: (...args: never[]) => GradResult) => tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (...xs: tf.Tensor[]) => tf.Tensor;

// ---- GELU (tanh form; Hendrycks & Gimpel 2016, eq. in reference.ts) ----
// Under the tape the forward keeps tanh(√(2/π)(x + 0.044715x³)) for the gradient (the same bits a recomputation
// gives; glibc's scalar tanhf was half of GELU's training cost: docs/engine-speed.md "GELU's tanh, once per step").
const geluOp = custom((x: tf.Tensor, save: Save) => {
  const [y, t] = run(K.geluKeep, { x });
  save([x, t!]);
  return { value: y!, gradFunc: (dy, [xs, ts]) => run(K.geluGrad, { x: xs!, t: ts!, dy })[0]! };
});

export function canGelu(x: tf.Tensor): boolean {
  return has(K.gelu) && f32(x);
}

export function gelu(x: tf.Tensor): tf.Tensor {
  return taping() ? geluOp(x) : run(K.gelu, { x })[0]!;
}

// ---- x·W + b ----
// Under the tape: tfjs-core's _FusedMatMul gradient (linear activation) on the rank-2 operands — dx = dy·Wᵀ, dW = xᵀ·dy,
// db = Σ rows of dy — the same BatchMatMul and Sum kernel calls it makes on [1, N, ·], without the Reshape kernels
// around them; one tape node per projection, as before, so gradients accumulate in the same order.
const linearOp = custom((x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor, save: Save) => {
  save([x, w]);
  return {
    value: run(K.linear, { x, w, bias })[0]!,
    gradFunc: (dy, [xs, ws]) => [tf.matMul(dy, ws!, false, true), tf.matMul(xs!, dy, true, false), tf.sum(dy, 0)],
  };
});

/**
 * x [N, k] · w [k, m] + bias [m]: tf.fused.matMul under the tape; outside it the same `_FusedMatMul` kernel on the
 * same [1, N, k]·[1, k, m] operands and attributes that tf.fused.matMul passes, without its customGrad scope
 * (the same bits; a scope per projection was a tenth of a decode step's time).
 */
export function linearBias(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D {
  const [N, k] = x.shape;
  const m = w.shape[1];
  // the product the native `_FusedMatMul` would compute, without its three reshapes (backend/fused-matmul.ts)
  const direct = N * k * m >= NATIVE_MIN_WORK && has(K.linear) && f32(x, w, bias) && bias.rank === 1 && bias.shape[0] === m;
  if (taping()) return (direct ? linearOp(x, w, bias) : tf.fused.matMul({ a: x, b: w, bias })) as tf.Tensor2D;
  if (direct) return run(K.linear, { x, w, bias })[0] as tf.Tensor2D;
  const attrs = { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0.2 };
  const out = tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(x, [1, N, k]), b: tf.reshape(w, [1, k, m]), bias } as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  return tf.reshape(out, [N, m]);
}

// ---- SwiGLU gate (Shazeer 2020): silu(gate)·up ----
const swigluOp = custom((gate: tf.Tensor, up: tf.Tensor, save: Save) => {
  save([gate, up]);
  return {
    value: run(K.swiglu, { gate, up })[0]!,
    gradFunc: (dy, [g, u]) => run(K.swigluGrad, { gate: g!, up: u!, dy }),
  };
});

export function canSwiglu(gate: tf.Tensor, up: tf.Tensor): boolean {
  return has(K.swiglu) && f32(gate, up) && tf.util.arraysEqual(gate.shape, up.shape);
}

export function swiglu(gate: tf.Tensor, up: tf.Tensor): tf.Tensor {
  return taping() ? swigluOp(gate, up) : run(K.swiglu, { gate, up })[0]!;
}

// ---- RoPE (rotate half; Su et al. 2021, eq. 34) ----
const ropeOp = custom((x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor, save: Save) => {
  save([x, cos, sin]);
  return {
    value: run(K.rope, { x, cos, sin })[0]!,
    gradFunc: (dy, [xs, c, s]) => run(K.ropeGrad, { x: xs!, cos: c!, sin: s!, dy }),
  };
});

export function canRope(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor): boolean {
  if (x.rank !== 4) return false;
  const [B, T, , dh] = x.shape as [number, number, number, number];
  const table = [B, T, 1, dh];
  return has(K.rope) && dh % 2 === 0 && f32(x, cos, sin) &&
    tf.util.arraysEqual(cos.shape, table) && tf.util.arraysEqual(sin.shape, table);
}

export function rope(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  return (taping() ? ropeOp(x, cos, sin) : run(K.rope, { x, cos, sin })[0]!) as tf.Tensor4D;
}

// ---- causal self-attention without a cache (Vaswani et al. 2017, eq. 1) ----
// softmax(q·kᵀ·scale + mask)·v in one kernel each way (native/src/attention.c), with the bits of model/forward.ts's
// composition; the mask is a constant of the op (no gradient), P [B, H, T, T] is kept for the backward pass.
const attentionOp = (mask: tf.Tensor, scale: number) => custom((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, save: Save) => {
  const [z, p] = run(K.attention, { q, k, v, mask }, { scale });
  save([q, k, v, p!]);
  return {
    value: z!,
    gradFunc: (dz, [qs, ks, vs, ps]) => run(K.attentionGrad, { q: qs!, k: ks!, v: vs!, p: ps!, dz }, { scale }),
  };
});

/**
 * q [B, T, H, dh], k, v [B, T, Hkv, dh] with H a multiple of Hkv (query head h reads ⌊h/(H/Hkv)⌋), mask [1|B, 1, T, T],
 * and heads whose products (T·T·dh multiply-adds each) the composition would also have sent to OpenBLAS (smaller
 * ones run tfjs's own loop: other bits).
 */
export function canAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor): boolean {
  return has(K.attention) && attentionShapesOk(q, k, v, mask, 0);
}

/** q [B, T, H, dh], k, v [B, T, Hkv, dh] with Hkv dividing H, mask [1|B, 1, T, P+T], float32, and products of
 * T·(P+T)·dh ≥ NATIVE_MIN_WORK multiply-adds (the size from which the composition's matmuls are OpenBLAS's). */
function attentionShapesOk(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor, P: number): boolean {
  if (q.rank !== 4 || k.rank !== 4 || mask.rank !== 4) return false;
  const [B, T, H, dh] = q.shape as [number, number, number, number];
  const hk = k.shape[2]!;
  const [mb, one, mt, mk] = mask.shape as [number, number, number, number];
  return q.size > 0 && T * (P + T) * dh >= NATIVE_MIN_WORK && f32(q, k, v, mask) && hk > 0 && H % hk === 0 &&
    tf.util.arraysEqual(k.shape, [B, T, hk, dh]) && tf.util.arraysEqual(v.shape, k.shape) &&
    (mb === 1 || mb === B) && one === 1 && mt === T && mk === P + T;
}

/** z [B, T, H, dh] = softmax(q·kᵀ·scale + mask)·v per batch row and head. */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor, scale: number): tf.Tensor4D {
  if (taping()) return attentionOp(mask, scale)(q, k, v) as tf.Tensor4D;
  const [z, p] = run(K.attention, { q, k, v, mask }, { scale });
  p!.dispose();
  return z as tf.Tensor4D;
}

/**
 * With a KV cache (generation; no gradient): q [B, T, H, dh] against the cached keys pastK, pastV [B, Hkv, P, dh] (none
 * for the prompt) and this call's k, v [B, T, Hkv, dh]; mask [1|B, 1, T, P+T]. The same products as the composition
 * (T·(P+T)·dh multiply-adds each, OpenBLAS's from 512).
 */
export function canAttentionCached(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, past: { k: tf.Tensor; v: tf.Tensor } | undefined, mask: tf.Tensor): boolean {
  if (taping() || !has(K.attentionCached) || q.rank !== 4 || k.rank !== 4) return false;
  const P = past ? past.k.shape[2]! : 0;
  const cacheShape = [q.shape[0]!, k.shape[2]!, P, q.shape[3]!];
  const pastOk = !past || (f32(past.k, past.v) && tf.util.arraysEqual(past.k.shape, cacheShape) && tf.util.arraysEqual(past.v.shape, cacheShape));
  return pastOk && attentionShapesOk(q, k, v, mask, P);
}

/** z [B, T, H, dh] and the new cache k, v [B, Hkv, P+T, dh]. */
export function attentionCached(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, past: { k: tf.Tensor4D; v: tf.Tensor4D } | undefined,
  mask: tf.Tensor, scale: number): { z: tf.Tensor4D; k: tf.Tensor4D; v: tf.Tensor4D } {
  const inputs: NamedInputs = past ? { q, k, v, mask, pastK: past.k, pastV: past.v } : { q, k, v, mask };
  const [z, ka, va] = run(K.attentionCached, inputs, { scale });
  return { z: z as tf.Tensor4D, k: ka as tf.Tensor4D, v: va as tf.Tensor4D };
}

// ---- masked mean cross-entropy ----
const xentOp = custom((logits: tf.Tensor, targets: tf.Tensor, mask: tf.Tensor, save: Save) => {
  const [loss, lse] = run(K.xent, { logits, targets, mask });
  save([logits, targets, mask, lse!]);
  return {
    value: loss!,
    gradFunc: (dy, [l, t, m, s]) => {
      const [dl, dm] = run(K.xentGrad, { logits: l!, targets: t!, mask: m!, lse: s!, dy });
      return [dl!, tf.zerosLike(t!).toFloat(), dm!];
    },
  };
});

export function canMaskedCrossEntropy(logits: tf.Tensor, targets: tf.Tensor, mask: tf.Tensor): boolean {
  return has(K.xent) && logits.rank === 2 && f32(logits, mask) && targets.dtype === 'int32' &&
    targets.rank === 1 && mask.rank === 1 && targets.shape[0] === logits.shape[0] && mask.shape[0] === logits.shape[0];
}

export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  if (taping()) return xentOp(logits, targets, mask) as tf.Scalar;
  const [loss, lse] = run(K.xent, { logits, targets, mask });
  lse!.dispose();
  return loss as tf.Scalar;
}

// ---- LayerNorm / RMSNorm over the last axis ----
/** x as [rows, d] (no Reshape kernel when it already is 2-D: every kernel call costs engine overhead). */
function rows2d(x: tf.Tensor): tf.Tensor2D {
  if (x.rank === 2) return x as tf.Tensor2D;
  const d = x.shape[x.rank - 1]!;
  return tf.reshape(x, [x.size / d, d]);
}

/** y back in x's shape (no Reshape when the shapes already agree). */
function like(y: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.util.arraysEqual(y.shape, x.shape) ? y : tf.reshape(y, x.shape);
}

const layerNormOp = (eps: number) => custom((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: Save) => {
  const [y, mean, rstd] = run(K.layerNorm, { x: rows2d(x), gamma, beta }, { eps });
  save([x, gamma, mean!, rstd!]);
  return {
    value: like(y!, x),
    gradFunc: (dy, [xs, g, mu, r]) => {
      const [dx, dg, db] = run(K.layerNormGrad, { x: rows2d(xs!), gamma: g!, dy: rows2d(dy), mean: mu!, rstd: r! });
      return [like(dx!, xs!), dg!, db!];
    },
  };
});

const rmsNormOp = (eps: number) => custom((x: tf.Tensor, gamma: tf.Tensor, save: Save) => {
  const [y, rstd] = run(K.rmsNorm, { x: rows2d(x), gamma }, { eps });
  save([x, gamma, rstd!]);
  return {
    value: like(y!, x),
    gradFunc: (dy, [xs, g, r]) => {
      const [dx, dg] = run(K.rmsNormGrad, { x: rows2d(xs!), gamma: g!, dy: rows2d(dy), rstd: r! });
      return [like(dx!, xs!), dg!];
    },
  };
});

function normParamsOk(x: tf.Tensor, ...params: tf.Tensor[]): boolean {
  const d = x.shape[x.rank - 1];
  return x.rank >= 1 && x.size > 0 && f32(x, ...params) && params.every((p) => p.rank === 1 && p.shape[0] === d);
}

export function canLayerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): boolean {
  return has(K.layerNorm) && normParamsOk(x, gamma, beta);
}

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-5): tf.Tensor {
  return tf.tidy(() => (taping() ? layerNormOp(eps)(x, gamma, beta) : like(run(K.layerNorm, { x: rows2d(x), gamma, beta }, { eps })[0]!, x)));
}

export function canRmsNorm(x: tf.Tensor, gamma: tf.Tensor): boolean {
  return has(K.rmsNorm) && normParamsOk(x, gamma);
}

export function rmsNorm(x: tf.Tensor, gamma: tf.Tensor, eps = 1e-6): tf.Tensor {
  return tf.tidy(() => (taping() ? rmsNormOp(eps)(x, gamma) : like(run(K.rmsNorm, { x: rows2d(x), gamma }, { eps })[0]!, x)));
}
