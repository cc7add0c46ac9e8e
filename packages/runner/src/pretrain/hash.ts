// The hash that identifies a trained model: sha256 over its weights' canonical bytes. (Run keys use
// the runner's contentKey over canonical JSON.)
import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';

/** sha256 of every weight, in sorted name order: name, shape, then the float32 bytes. */
export function weightsSha256(weights: ReadonlyMap<string, tf.Tensor>): string {
  const h = createHash('sha256');
  for (const name of [...weights.keys()].sort()) {
    const t = weights.get(name)!;
    h.update(`${name}:${t.shape.join('x')}\n`);
    const d = t.dataSync() as Float32Array; // sync point
    h.update(Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  }
  return h.digest('hex');
}
