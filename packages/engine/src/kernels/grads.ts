// Lists of gradients in one kernel call each (backend/native-grads.ts, native/src/grads.c): Σ g² per tensor and a
// scaling by one float32 factor, with the bits of tf.sum(tf.square(g)) and tf.mul(g, s). undefined where the kernel is
// not registered or a tensor is not float32 (the caller composes).
import * as tf from '@tensorflow/tfjs';
import { f32, has, run } from './registry';
import { FUSED_KERNELS as K } from './names';

const named = (ts: readonly tf.Tensor[]) => Object.fromEntries(ts.map((t, i) => [`g${i}`, t]));

/** [Σ g_t²] for each tensor, as one float32 array; undefined: compose. */
export function sumSquaresOf(ts: readonly tf.Tensor[]): Float32Array | undefined {
  if (ts.length === 0 || !has(K.sumSquares) || !f32(...ts)) return undefined;
  const [out] = run(K.sumSquares, named(ts));
  const v = out!.dataSync() as Float32Array;
  out!.dispose();
  return v;
}

/** Each tensor times the float32 value of s (new tensors); undefined: compose. */
export function scaleAll(ts: readonly tf.Tensor[], s: number): tf.Tensor[] | undefined {
  if (ts.length === 0 || !has(K.scaleAll) || !f32(...ts)) return undefined;
  return run(K.scaleAll, named(ts), { scale: s });
}
