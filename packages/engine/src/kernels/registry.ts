// Running the engine's own kernels (kernels/names.ts) from the ops: whether one is registered on the active backend,
// running it, and whether the tape records. Used by fused.ts, block.ts and grads.ts.
import * as tf from '@tensorflow/tfjs';

export type NamedInputs = Record<string, tf.Tensor>;

export function run(name: string, inputs: NamedInputs, attrs: Record<string, number> = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? (out as tf.Tensor[]) : [out as tf.Tensor];
}

/** Whether the fused kernel `name` is registered on the active backend. */
export function has(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/**
 * Whether gradients are being recorded. Outside tf.grads / minimize (inference, generation) the fused ops
 * call their forward kernel directly: customGrad's scope bookkeeping cost more than the kernel itself
 * (18 ms of 'unnamed scope' against 2.8 ms of kernel time in a size-b generate() profile).
 */
export function taping(): boolean {
  const e = tf.engine() as unknown as { isTapeOn?: () => boolean };
  return e.isTapeOn ? e.isTapeOn() : true;
}

export const f32 = (...ts: tf.Tensor[]) => ts.every((t) => t.dtype === 'float32');
