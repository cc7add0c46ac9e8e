// The undo of every gradient method here: a byte copy of the parameters a method is about to train,
// taken before the first step, written back on undo. Copies are plain Float32Arrays read with dataSync
// (not tf.clone: on wasm a clone can share its buffer with the variable, and a kernel that updates a
// variable in place would then change the "copy" too), so undo restores bit-identical weights, and
// holding an undo keeps no tensors alive. Restoring is idempotent.
import * as tf from '@tensorflow/tfjs';
import type { Transformer } from '../../model/transformer';

export interface Snapshot {
  /** Names of the parameters copied. */
  readonly names: readonly string[];
  /** Bytes held (4 per float). */
  readonly bytes: number;
  /** Write the copies back (first call only; later calls do nothing). */
  restore(): void;
  /** The copied (pre-edit) values W₀ of one parameter, while the snapshot is live (F-Learning's W₀ − λΔ). */
  initial(name: string): Float32Array;
}

export function takeSnapshot(model: Transformer, names: readonly string[]): Snapshot {
  const copies = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const n of names) {
    const v = model.param(n);
    copies.set(n, { data: (v.dataSync() as Float32Array).slice(), shape: [...v.shape] });
  }
  let done = false;
  return {
    names: [...names],
    bytes: [...copies.values()].reduce((s, c) => s + c.data.byteLength, 0),
    restore() {
      if (done) return;
      done = true;
      for (const [n, c] of copies) {
        const t = tf.tensor(c.data, c.shape, 'float32');
        model.param(n).assign(t);
        t.dispose();
      }
      copies.clear();
    },
    initial(name: string) {
      const c = copies.get(name);
      if (!c) throw new Error(`snapshot: '${name}' was not copied`);
      return c.data;
    },
  };
}
