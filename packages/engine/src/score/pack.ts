// Shared packing of token sequences for scoring and generation.
import * as tf from '@tensorflow/tfjs';
import { ModelConfigError, ShapeMismatchError } from '../model/errors';
import type { Tokenizer } from '../model/tokenizer';

/** Prompt tokens with the tokenizer's BOS (if any) in front; an empty result is refused. */
export function promptIds(tok: Tokenizer, prompt: string, what: string): number[] {
  const ids = tok.encode(prompt);
  const out = tok.bosId === undefined ? ids : [tok.bosId, ...ids];
  if (out.length === 0) throw new ModelConfigError(`${what}: prompt '${prompt}' encodes to no tokens and the tokenizer has no BOS`);
  return out;
}

/** Right-padded [B, T] int32 ids (causal attention: real positions never see the pads after them). */
export function packRight(seqs: readonly (readonly number[])[], padId: number): tf.Tensor2D {
  const T = Math.max(...seqs.map((s) => s.length));
  const data = new Int32Array(seqs.length * T).fill(padId);
  seqs.forEach((s, b) => data.set(s, b * T));
  return tf.tensor2d(data, [seqs.length, T], 'int32');
}

/** Left-padded [B, T] int32 ids and the attention mask (1 = real). */
export function packLeft(seqs: readonly (readonly number[])[], padId: number): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const T = Math.max(...seqs.map((s) => s.length));
  const data = new Int32Array(seqs.length * T).fill(padId);
  const mask = new Int32Array(seqs.length * T);
  seqs.forEach((s, b) => {
    data.set(s, b * T + T - s.length);
    mask.fill(1, b * T + T - s.length, (b + 1) * T);
  });
  return { ids: tf.tensor2d(data, [seqs.length, T], 'int32'), mask: tf.tensor2d(mask, [seqs.length, T], 'int32') };
}

/** Split into consecutive chunks of at most n. */
export function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Refuse token ids outside [0, vocabSize): a tokenizer that does not match the model (wasm gather would not). */
export function checkIds(rows: readonly (readonly number[])[], vocabSize: number, what: string): void {
  rows.forEach((r, i) => {
    const bad = r.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
    if (bad !== undefined) {
      throw new ShapeMismatchError(`${what} ${i}: token id ${bad} is outside the model's vocabulary 0..${vocabSize - 1} (does the tokenizer match the model?)`);
    }
  });
}
