// Text features from the edited model itself: the stand-in for the pretrained sentence encoders of the
// memory-based editors (SERAC's DistilBERT scope classifier, Mitchell et al. 2022 §3.1; LTE's mpnet retriever,
// Jiang et al. 2024 §3.2; RECIPE's RoBERTa, Chen et al. 2024 §3.2), which cannot be had offline
// (docs/memory-editors.md "Stand-ins"). The feature of a token sequence is the mean over its tokens of the
// base model's final-norm hidden state (ln_final.hook_normalized), read from the bare network (no patch or
// route of an edit changes it: `forward`, not the query functions).
import * as tf from '@tensorflow/tfjs';
import { hookName } from '../../../hooks/names';
import { runWithCache } from '../../../hooks/run';
import type { Tokenizer } from '../../../model/tokenizer';
import type { Transformer } from '../../../model/transformer';
import { chunks, packRight, promptIds } from '../../../score/pack';

/** Mean final-norm hidden state of each token row, [n] × Float32Array(d). */
export function meanHidden(model: Transformer, rows: readonly (readonly number[])[], padId: number, batchSize = 32): Float32Array[] {
  const out: Float32Array[] = [];
  const d = model.config.dModel;
  for (const chunk of chunks(rows, batchSize)) {
    const ids = packRight(chunk, padId);
    const T = ids.shape[1];
    const { logits, cache } = runWithCache(model, ids, [hookName.lnFinal()]);
    const flat = tf.tidy(() => {
      const mask = tf.tensor3d(chunk.flatMap((r) => Array.from({ length: T }, (_, t) => (t < r.length ? 1 / r.length : 0))), [chunk.length, T, 1]);
      return tf.sum(tf.mul(cache.get(hookName.lnFinal()), mask), 1).dataSync() as Float32Array; // [B, d]
    });
    tf.dispose([ids, logits]);
    cache.dispose();
    chunk.forEach((_, b) => out.push(flat.slice(b * d, (b + 1) * d)));
  }
  return out;
}

/** The prompt's token ids as the query functions see them (with BOS, if the tokenizer has one). */
export function queryIds(tok: Tokenizer, text: string): number[] {
  return promptIds(tok, text, 'memory text');
}

/** The ids after the tokenizer's BOS (if any): to put a query after other text. */
export function withoutBos(tok: Tokenizer, ids: readonly number[]): number[] {
  return tok.bosId !== undefined && ids[0] === tok.bosId ? ids.slice(1) : [...ids];
}

/** A row's key for caching per-query work (routes are asked once per query and pass). */
export const idsKey = (ids: readonly number[]): string => ids.join(',');
