// Training examples as token sequences with a loss mask, and their batching. A (prompt, target) text
// pair is tokenized separately and concatenated (the MEMIT convention), and only the target tokens are
// scored; a corpus text is scored on every token after the first.
import * as tf from '@tensorflow/tfjs';
import type { Tokenizer } from '../model/tokenizer';
import { ModelConfigError } from '../model/errors';

/** A token sequence; the loss counts the prediction of ids[i] for every i ≥ lossFrom (default 1). */
export interface TokenExample {
  readonly ids: readonly number[];
  readonly lossFrom?: number;
}

export interface TextPair {
  readonly prompt: string;
  /** Continuation with its leading space, e.g. " Paris". */
  readonly target: string;
}

/** Inputs, next-token targets and loss mask of one batch: ids [B, T] int32, targets [B·T] int32, mask [B·T] float32. */
export interface Batch {
  readonly ids: tf.Tensor2D;
  readonly targets: tf.Tensor1D;
  readonly mask: tf.Tensor1D;
}

function withBos(tok: Tokenizer, ids: number[]): number[] {
  return tok.bosId === undefined ? ids : [tok.bosId, ...ids];
}

/** Encode (prompt, target) pairs: loss on the target tokens only. */
export function encodePairs(tok: Tokenizer, pairs: readonly TextPair[]): TokenExample[] {
  return pairs.map((p, i) => {
    const prompt = withBos(tok, tok.encode(p.prompt));
    const target = tok.encode(p.target);
    if (prompt.length === 0) throw new ModelConfigError(`training pair ${i}: the prompt encodes to no tokens (add a BOS token or text)`);
    if (target.length === 0) throw new ModelConfigError(`training pair ${i}: target '${p.target}' encodes to no tokens`);
    return { ids: [...prompt, ...target], lossFrom: prompt.length };
  });
}

/** Encode corpus texts (each followed by EOS when `eos` is set): loss on every token after the first. */
export function encodeTexts(tok: Tokenizer, texts: readonly string[], eos = true): TokenExample[] {
  return texts.map((t) => ({ ids: withBos(tok, [...tok.encode(t), ...(eos ? [tok.eosId] : [])]) }));
}

/** Right-pad a batch (causal attention never lets a real position see a later pad) and build targets/mask. */
export function makeBatch(examples: readonly TokenExample[], padId: number): Batch {
  const T = Math.max(...examples.map((e) => e.ids.length)) - 1;
  if (T < 1) throw new ModelConfigError('every training sequence needs at least 2 tokens');
  const B = examples.length;
  const ids = new Int32Array(B * T).fill(padId);
  const targets = new Int32Array(B * T).fill(padId);
  const mask = new Float32Array(B * T);
  examples.forEach((e, b) => {
    const from = e.lossFrom ?? 1;
    for (let i = 0; i + 1 < e.ids.length; i++) {
      ids[b * T + i] = e.ids[i]!;
      targets[b * T + i] = e.ids[i + 1]!;
      if (i + 1 >= from) mask[b * T + i] = 1;
    }
  });
  return { ids: tf.tensor2d(ids, [B, T], 'int32'), targets: tf.tensor1d(targets, 'int32'), mask: tf.tensor1d(mask, 'float32') };
}

export function disposeBatch(b: Batch): void {
  tf.dispose([b.ids, b.targets, b.mask]);
}
