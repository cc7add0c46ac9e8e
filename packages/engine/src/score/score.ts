// Teacher-forced scoring. For (prompt, continuation) pairs, prompt and continuation are tokenized
// separately and concatenated (the MEMIT/ROME convention), and each continuation token gets
// log p(token | prefix) (natural log) and its 1-based rank among the vocabulary (1 + number of tokens
// with a strictly larger logit). Plus the next-token top-k after a prompt. Both answer each prompt through the
// model's inference routes (model/route.ts): a memory-based editor's route may pick the model, the prompt tokens
// and an embedding prefix; with no route the passes are exactly the bare model's.
import * as tf from '@tensorflow/tfjs';
import type { Tokenizer } from '../model/tokenizer';
import type { Transformer } from '../model/transformer';
import { embedHooks, routed, type Routed } from '../model/route';
import { checkIds, chunks, packRight, promptIds } from './pack';

export interface ContinuationRequest {
  readonly prompt: string;
  /** Scored text, with its leading space (" Paris"). */
  readonly continuation: string;
}

export interface TokenLogprob {
  readonly id: number;
  readonly logprob: number;
  readonly rank: number;
}

export interface ScoreOptions {
  /** Sequences per forward pass (default 16). */
  readonly batchSize?: number;
}

/**
 * The logits rows [1, M, V] of the scored positions (forward's `positions`), their log-softmax at the given
 * target ids, and the targets' ranks. Runs in one tidy; returns plain arrays.
 */
function scoreRows(logits: tf.Tensor3D, targets: number[]): { logprob: Float32Array; rank: Int32Array } {
  return tf.tidy(() => {
    const [, M, V] = logits.shape;
    const rows = tf.reshape(logits, [M, V]);
    const tgt = tf.tensor2d(targets.map((t, i) => [i, t]), [targets.length, 2], 'int32');
    const logprob = tf.gatherND(tf.logSoftmax(rows), tgt); // [M]: log softmax(z)_y
    return { logprob: logprob.dataSync() as Float32Array, rank: ranks(rows.dataSync() as Float32Array, targets, V) };
  });
}

/** 1 + the number of logits strictly above the target's, per row of z [M, V] (an exact count, read on the host:
 *  tfjs-wasm's broadcasting Greater took longer than the row's whole log-softmax). */
function ranks(z: Float32Array, targets: readonly number[], V: number): Int32Array {
  const rank = new Int32Array(targets.length);
  targets.forEach((t, i) => {
    const row = z.subarray(i * V, (i + 1) * V);
    const y = row[t]!;
    let above = 0;
    for (let j = 0; j < V; j++) if (row[j]! > y) above++;
    rank[i] = above + 1;
  });
  return rank;
}

export function scoreContinuations(
  model: Transformer,
  tok: Tokenizer,
  requests: readonly ContinuationRequest[],
  opts: ScoreOptions = {},
): TokenLogprob[][] {
  const queries = requests.map((r, i) => ({ ids: promptIds(tok, r.prompt, `score request ${i}`), cont: tok.encode(r.continuation) }));
  return routed(model, queries, (m, qs) => scoreQueries(m, tok.padId, qs, opts.batchSize ?? 16));
}

/** Score each query's continuation tokens on one model, in chunks of batchSize (right-padded passes). */
function scoreQueries(model: Transformer, padId: number, queries: readonly Routed<{ ids: readonly number[]; cont: number[] }>[], batchSize: number): TokenLogprob[][] {
  const out: TokenLogprob[][] = [];
  for (const encoded of chunks(queries, batchSize)) {
    const seqs = encoded.map((e) => [...e.ids, ...e.cont]);
    checkIds(seqs, model.config.vocabSize, 'score request');
    const T = Math.max(...seqs.map((s) => s.length));
    const flat: number[] = [];
    const targets: number[] = [];
    encoded.forEach((e, b) =>
      e.cont.forEach((id, j) => {
        flat.push(b * T + e.ids.length + j - 1); // position predicting continuation token j
        targets.push(id);
      }),
    );
    if (flat.length === 0) {
      out.push(...encoded.map(() => []));
      continue;
    }
    const ids = packRight(seqs, padId);
    const hooks = embedHooks(encoded.map((e) => e.embeds), encoded.map(() => 0));
    const logits = model.forward(ids, { positions: flat, ...(hooks ? { hooks } : {}) }); // [1, M, V]
    const { logprob, rank } = scoreRows(logits, targets);
    tf.dispose([ids, logits]);
    let k = 0;
    for (const e of encoded) out.push(e.cont.map((id) => ({ id, logprob: logprob[k]!, rank: rank[k++]! })));
  }
  return out;
}

/** The k most likely next tokens after each prompt, most likely first. */
export function nextTokenTopK(
  model: Transformer,
  tok: Tokenizer,
  prompts: readonly string[],
  k: number,
  opts: ScoreOptions = {},
): Array<Array<{ id: number; logprob: number }>> {
  const queries = prompts.map((p, i) => ({ ids: promptIds(tok, p, `top-k prompt ${i}`) }));
  return routed(model, queries, (m, qs) => topKQueries(m, tok.padId, qs, k, opts.batchSize ?? 16));
}

function topKQueries(model: Transformer, padId: number, queries: readonly Routed<{ ids: readonly number[] }>[], k: number, batchSize: number): Array<Array<{ id: number; logprob: number }>> {
  const out: Array<Array<{ id: number; logprob: number }>> = [];
  for (const chunk of chunks(queries, batchSize)) {
    const seqs = chunk.map((q) => q.ids);
    checkIds(seqs, model.config.vocabSize, 'top-k prompt');
    const T = Math.max(...seqs.map((s) => s.length));
    const ids = packRight(seqs, padId);
    const hooks = embedHooks(chunk.map((q) => q.embeds), chunk.map(() => 0));
    const logits = model.forward(ids, { positions: seqs.map((s, b) => b * T + s.length - 1), ...(hooks ? { hooks } : {}) }); // [1, B, V]
    const { values, indices } = tf.tidy(() => {
      const rows = tf.reshape(logits, [seqs.length, -1]);
      const top = tf.topk(tf.logSoftmax(rows), Math.min(k, model.config.vocabSize));
      return { values: top.values.arraySync() as number[][], indices: top.indices.arraySync() as number[][] };
    });
    tf.dispose([ids, logits]);
    values.forEach((row, b) => out.push(row.map((logprob, j) => ({ id: indices[b]![j]!, logprob }))));
  }
  return out;
}
