// GRACE's adaptor as a persistent patch on one W_out (common/mlp-adaptor.ts): every position of every pass is a
// query; where its nearest codebook key lies within that key's ε, W_out's output at that position is replaced
// by the key's value, elsewhere it passes through bit for bit (Hartvigsen et al. 2023 §3, "deferral").
// The reference replaces only the last prompt token while training and the last input token at inference
// (EasyEdit GRACE.py, replacement `replace_last`, key_id); a scored sequence does not mark where its prompt
// ends, so here every position is checked, the last prompt token included (docs/grace-wise.md "GRACE").
import * as tf from '@tensorflow/tfjs';
import type { Transformer } from '../../model/transformer';
import { patchMlpOutput } from '../common/mlp-adaptor';
import type { CodebookEntry } from './codebook';

/** The value being trained: entry `index` reads this variable instead of its stored value. */
export interface TrainedValue {
  readonly index: number;
  readonly variable: tf.Variable;
}

export class GraceAdaptor {
  private keys: tf.Tensor2D | undefined;
  private values: tf.Tensor2D | undefined;
  private eps: tf.Tensor1D | undefined;
  private remove: (() => void) | undefined;
  /** Set while grace.ts trains a value. */
  trained: TrainedValue | undefined;
  entries: readonly CodebookEntry[] = [];

  constructor(
    private readonly model: Transformer,
    readonly layer: number,
  ) {}

  /** Replace the codebook (its tensors are rebuilt); an empty codebook removes the patches. */
  set(entries: readonly CodebookEntry[]): void {
    this.entries = entries;
    for (const t of [this.keys, this.values, this.eps]) t?.dispose();
    [this.keys, this.values, this.eps] = [undefined, undefined, undefined];
    if (entries.length === 0) {
      this.remove?.();
      this.remove = undefined;
      return;
    }
    const n = entries.length;
    this.keys = tf.keep(tf.tensor2d(concat(entries.map((e) => e.key)), [n, entries[0]!.key.length]));
    this.values = tf.keep(tf.tensor2d(concat(entries.map((e) => e.value)), [n, entries[0]!.value.length]));
    this.eps = tf.keep(tf.tensor1d(entries.map((e) => e.eps)));
    this.remove ??= patchMlpOutput(this.model, this.layer, (out, key) => this.replace(out, key));
  }

  get installed(): boolean {
    return this.remove !== undefined;
  }

  private replace(out: tf.Tensor3D, key: tf.Tensor3D): tf.Tensor {
    const [K, V, E] = [this.keys!, this.values!, this.eps!];
    const [B, T, m] = key.shape;
    const d = out.shape[2];
    const q = tf.reshape(key, [B * T, m]) as tf.Tensor2D;
    // ‖q − k‖² = ‖q‖² − 2 q·k + ‖k‖², clipped at 0 against rounding
    const d2 = tf.relu(tf.add(tf.sub(tf.sum(tf.square(q), 1, true), tf.mul(2, tf.matMul(q, K, false, true))), tf.reshape(tf.sum(tf.square(K), 1), [1, -1])));
    const nearest = tf.argMin(d2, 1); // [N]
    const hit = tf.broadcastTo(tf.reshape(tf.lessEqual(tf.sqrt(tf.min(d2, 1)), tf.gather(E, nearest)), [B * T, 1]), [B * T, d]); // [N, d]
    const t = this.trained;
    const values = t
      ? tf.concat([tf.slice(V, [0, 0], [t.index, d]), tf.reshape(t.variable, [1, d]), tf.slice(V, [t.index + 1, 0], [V.shape[0] - t.index - 1, d])], 0)
      : V;
    return tf.reshape(tf.where(hit, tf.gather(values, nearest), tf.reshape(out, [B * T, d])), [B, T, d]);
  }
}

function concat(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((s, r) => s + r.length, 0));
  let o = 0;
  for (const r of rows) out.set(r, (o += r.length) - r.length);
  return out;
}
