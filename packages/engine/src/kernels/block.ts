// A whole transformer block of a pass without gradients (generation's prompt pass and decode steps with their KV cache;
// scoring and frozen prefixes with none, P = 0), forward only, as one native kernel (native/src/block.c): the ~16 kernels of model/forward.ts's composition — norm, q/k/v projections,
// RoPE, cached attention, output projection, residual add, norm, MLP, residual add — each as the C function its own
// kernel runs, so the bits are the same (kernels/attention.spec.ts, "whole generations"). Taken only where every step
// of the composition would run that native kernel; undefined otherwise (the caller composes).
import * as tf from '@tensorflow/tfjs';
import { NATIVE_MIN_WORK } from '../backend/matmul-native';
import { f32, has, run, taping } from './registry';
import { FUSED_KERNELS as K } from './names';

export interface BlockWeights {
  ln1w: tf.Tensor; ln1b?: tf.Tensor | undefined;
  wq: tf.Tensor; bq?: tf.Tensor | undefined; wk: tf.Tensor; bk?: tf.Tensor | undefined; wv: tf.Tensor; bv?: tf.Tensor | undefined;
  wo: tf.Tensor; bo?: tf.Tensor | undefined;
  ln2w: tf.Tensor; ln2b?: tf.Tensor | undefined;
  /** GPT-2: W_in (+ b_in) then GELU; Llama: W_gate and W_in (no biases) then SwiGLU. */
  win: tf.Tensor; bin?: tf.Tensor | undefined; wgate?: tf.Tensor | undefined;
  wout: tf.Tensor; bout?: tf.Tensor | undefined;
}

export interface BlockShape {
  llama: boolean;
  B: number;
  T: number;
  H: number;
  Hkv: number;
  dh: number;
  eps: number;
  scale: number;
}

const is = (t: tf.Tensor | undefined, shape: number[]) => t !== undefined && t.dtype === 'float32' && tf.util.arraysEqual(t.shape, shape);
const optional = (t: tf.Tensor | undefined, shape: number[]) => t === undefined || is(t, shape);

/** Whether the block kernel computes exactly what the composition would (see the file comment). */
export function canBlockCached(x: tf.Tensor2D, w: BlockWeights, past: { k: tf.Tensor; v: tf.Tensor } | undefined, mask: tf.Tensor,
  rope: { cos: tf.Tensor; sin: tf.Tensor } | undefined, s: BlockShape): boolean {
  if (taping() || !has(K.blockCached) || x.rank !== 2 || !f32(x, mask)) return false;
  const { B, T, H, Hkv, dh, llama } = s;
  const [N, d] = x.shape;
  const m = w.win.shape[1]!;
  const qd = H * dh;
  const kd = Hkv * dh;
  const P = past ? past.k.shape[2]! : 0;
  const products = [N * d * qd, N * d * kd, N * qd * d, N * d * m, N * m * d, T * (P + T) * dh];
  if (N !== B * T || N === 0 || H % Hkv !== 0 || products.some((p) => p < NATIVE_MIN_WORK)) return false;
  if (!tf.util.arraysEqual(mask.shape, [mask.shape[0]!, 1, T, P + T]) || (mask.shape[0] !== 1 && mask.shape[0] !== B)) return false;
  if (past && !(is(past.k, [B, Hkv, P, dh]) && is(past.v, [B, Hkv, P, dh]))) return false;
  const weightsOk = is(w.ln1w, [d]) && is(w.ln2w, [d]) && is(w.wq, [d, qd]) && is(w.wk, [d, kd]) && is(w.wv, [d, kd]) && is(w.wo, [qd, d]) &&
    is(w.win, [d, m]) && is(w.wout, [m, d]) && optional(w.bq, [qd]) && optional(w.bk, [kd]) && optional(w.bv, [kd]) &&
    optional(w.bo, [d]) && optional(w.bout, [d]);
  if (!weightsOk) return false;
  if (llama) {
    return dh % 2 === 0 && is(w.wgate, [d, m]) && rope !== undefined && is(rope.cos, [B, T, 1, dh]) && is(rope.sin, [B, T, 1, dh]);
  }
  return is(w.ln1b, [d]) && is(w.ln2b, [d]) && optional(w.bin, [m]);
}

/** resid_post [N, d] of the block and the new cache k, v [B, Hkv, P+T, dh]; undefined where the kernel does not fit. */
export function blockCached(x: tf.Tensor2D, w: BlockWeights, past: { k: tf.Tensor4D; v: tf.Tensor4D } | undefined, mask: tf.Tensor,
  rope: { cos: tf.Tensor; sin: tf.Tensor } | undefined, s: BlockShape): { out: tf.Tensor2D; k: tf.Tensor4D; v: tf.Tensor4D } | undefined {
  if (!canBlockCached(x, w, past, mask, rope, s)) return undefined;
  const inputs: Record<string, tf.Tensor> = { x, mask };
  const add = (name: string, t: tf.Tensor | undefined) => { if (t) inputs[name] = t; };
  const { ln1w, ln1b, wq, bq, wk, bk, wv, bv, wo, bo, ln2w, ln2b, win, bin, wgate, wout, bout } = w;
  for (const [name, t] of Object.entries({ ln1w, ln1b, wq, bq, wk, bk, wv, bv, wo, bo, ln2w, ln2b, win, bin, wgate, wout, bout })) add(name, t);
  if (s.llama) {
    // the composition's Llama MLP multiplies W_gate and W_in without biases; GPT-2 style has no gate
    delete inputs['bin'];
    add('cos', rope!.cos);
    add('sin', rope!.sin);
  } else {
    delete inputs['wgate'];
  }
  add('pastK', past?.k);
  add('pastV', past?.v);
  const attrs = { llama: s.llama ? 1 : 0, B: s.B, T: s.T, H: s.H, Hkv: s.Hkv, dh: s.dh, m: win.shape[1]!, eps: s.eps, scale: s.scale };
  const [out, k, v] = run(K.blockCached, inputs, attrs);
  return { out: out as tf.Tensor2D, k: k as tf.Tensor4D, v: v as tf.Tensor4D };
}
