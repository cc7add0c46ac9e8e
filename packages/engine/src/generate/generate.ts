// Batched autoregressive generation with left padding: greedy or top-k sampling (seeded), with a KV
// cache (each step feeds only the new token) or without (each step re-runs the whole sequence); both
// give the same tokens. The tied LM head is transposed once per call (docs/engine-backend.md §4). A sequence
// stops at EOS, at a stop string (cut off) or at maxNewTokens; generation also ends at the model's
// context window (maxSeq), like Hugging Face's max_length.
import * as tf from '@tensorflow/tfjs';
import { ModelConfigError } from '../model/errors';
import { Rng } from '../model/prng';
import type { Tokenizer } from '../model/tokenizer';
import { embedHooks, routed, type RouteEmbeds } from '../model/route';
import type { KVCache, Transformer } from '../model/transformer';
import { checkIds, chunks, packLeft, promptIds } from '../score/pack';

export interface GenerateIdsOptions {
  readonly maxNewTokens: number;
  /** Greedy when absent or 1; otherwise sample from the k most likely tokens. */
  readonly topK?: number;
  /** Sampling temperature (default 1). */
  readonly temperature?: number;
  /** Seed of the sampling Rng (default 0). */
  readonly seed?: number;
  /** Stop a sequence after this token (not included in the output). */
  readonly eosId?: number;
  readonly padId: number;
  /** Use the KV cache (default true). */
  readonly useCache?: boolean;
  /** Called after each step with the tokens generated so far; return true to stop that sequence. */
  readonly isDone?: (row: number, generated: readonly number[]) => boolean;
}

export interface GenerateTextOptions {
  readonly maxNewTokens: number;
  readonly topK?: number;
  readonly temperature?: number;
  readonly seed?: number;
  /** Cut each output at the first occurrence of any of these strings. */
  readonly stop?: readonly string[];
  readonly useCache?: boolean;
  /** Prompts per batch (default 16). */
  readonly batchSize?: number;
}

/** Pick the next token per row from logits [B, V]: argmax, or a top-k sample (softmax over the k logits / temperature). */
function pick(logits: tf.Tensor2D, o: GenerateIdsOptions, rng: Rng): number[] {
  const k = o.topK ?? 1;
  if (k <= 1) return Array.from(tf.tidy(() => tf.argMax(logits, 1).dataSync()));
  const { values, indices } = tf.tidy(() => {
    const top = tf.topk(logits, Math.min(k, logits.shape[1]));
    return { values: top.values.arraySync(), indices: top.indices.arraySync() };
  });
  const temp = o.temperature ?? 1;
  return values.map((row, b) => {
    const mx = row[0]!;
    const w = row.map((x) => Math.exp((x - mx) / temp));
    let u = rng.next() * w.reduce((a, c) => a + c, 0);
    for (let j = 0; j < w.length; j++) {
      u -= w[j]!;
      if (u <= 0) return indices[b]![j]!;
    }
    return indices[b]![w.length - 1]!;
  });
}

/**
 * Generate token ids after each prompt (ids without the prompt). Each prompt is answered through the model's
 * inference routes (model/route.ts); rows routed to the same model are generated together.
 */
export function generateIds(model: Transformer, prompts: readonly (readonly number[])[], o: GenerateIdsOptions): number[][] {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0) throw new ModelConfigError(`maxNewTokens must be a non-negative integer, got ${o.maxNewTokens}`);
  if (prompts.some((p) => p.length === 0)) throw new ModelConfigError('generate: every prompt needs at least one token');
  const queries = prompts.map((ids, row) => ({ ids, row }));
  return routed(model, queries, (m, qs) =>
    generateRows(m, qs.map((q) => q.ids), qs.map((q) => q.embeds), o.isDone ? { ...o, isDone: (b, g) => o.isDone!(qs[b]!.row, g) } : o),
  );
}

/** Generation on one model; `embeds[b]` is row b's embedding prefix (written on the passes that read the prompt). */
function generateRows(model: Transformer, prompts: readonly (readonly number[])[], embeds: readonly (RouteEmbeds | undefined)[], o: GenerateIdsOptions): number[][] {
  checkIds(prompts, model.config.vocabSize, 'generation prompt');
  const B = prompts.length;
  const out: number[][] = prompts.map(() => []);
  const done = prompts.map(() => false);
  const P0 = Math.max(...prompts.map((p) => p.length));
  const steps = Math.min(o.maxNewTokens, model.config.maxSeq - P0 + 1);
  if (B === 0 || steps <= 0) return out;
  const rng = new Rng(o.seed ?? 0);
  const useCache = o.useCache ?? true;
  const unembed = model.unembedMatrix(); // [d, V], once per call
  const packed = packLeft(prompts, o.padId);
  let ids: tf.Tensor2D = packed.ids; // no cache: the whole sequence so far [B, P0 + t]
  let mask: tf.Tensor2D = packed.mask; // [B, P0 + t]
  let cache: KVCache | undefined;
  let next: tf.Tensor2D | undefined; // cache: this step's input tokens [B, 1]
  try {
    for (let t = 0; t < steps; t++) {
      let logits: tf.Tensor3D;
      const hooks = cache ? undefined : embedHooks(embeds, prompts.map((p) => P0 - p.length)); // left padding
      if (useCache) {
        const r = model.forwardWithCache(next ?? ids, { attentionMask: mask, cache, lastOnly: true, unembed, ...(hooks ? { hooks } : {}) });
        if (cache) tf.dispose(cache.layers.flatMap((l) => [l.k, l.v]));
        cache = r.cache;
        logits = r.logits;
      } else {
        logits = model.forward(ids, { attentionMask: mask, lastOnly: true, unembed, ...(hooks ? { hooks } : {}) });
      }
      const chosen = tf.tidy(() => pick(tf.reshape(logits, [B, -1]) as tf.Tensor2D, o, rng));
      logits.dispose();
      chosen.forEach((id, b) => {
        if (done[b]) return;
        if (id === o.eosId) done[b] = true;
        else {
          out[b]!.push(id);
          if (o.isDone?.(b, out[b]!)) done[b] = true;
        }
      });
      if (done.every(Boolean) || t === steps - 1) break;
      const fed = chosen.map((id, b) => (done[b] ? o.padId : id));
      const nextIds = tf.tensor2d(fed, [B, 1], 'int32');
      const nextMask = tf.tensor2d(fed.map(() => 1), [B, 1], 'int32');
      const [oldIds, oldMask] = [ids, mask];
      mask = tf.concat([mask, nextMask], 1);
      if (useCache) {
        next?.dispose();
        next = nextIds;
      } else {
        ids = tf.concat([ids, nextIds], 1);
        oldIds.dispose();
        nextIds.dispose();
      }
      oldMask.dispose();
      nextMask.dispose();
    }
  } finally {
    tf.dispose([unembed, ids, mask, ...(next ? [next] : []), ...(cache ? cache.layers.flatMap((l) => [l.k, l.v]) : [])]);
  }
  return out;
}

/** Cut text at the first occurrence of any stop string; undefined when none occurs. */
function cutAtStop(text: string, stop: readonly string[]): string | undefined {
  let cut: number | undefined;
  for (const s of stop) {
    const i = s === '' ? -1 : text.indexOf(s);
    if (i >= 0 && (cut === undefined || i < cut)) cut = i;
  }
  return cut === undefined ? undefined : text.slice(0, cut);
}

/** Generate text after each prompt (returned without the prompt). */
export function generate(model: Transformer, tok: Tokenizer, prompts: readonly string[], o: GenerateTextOptions): string[] {
  const stop = o.stop ?? [];
  const out: string[] = [];
  for (const chunk of chunks(prompts, o.batchSize ?? 16)) {
    const ids = chunk.map((p, i) => promptIds(tok, p, `generation prompt ${out.length + i}`));
    const gen = generateIds(model, ids, {
      ...o,
      eosId: tok.eosId,
      padId: tok.padId,
      isDone: stop.length ? (_b, g) => cutAtStop(tok.decode([...g]), stop) !== undefined : undefined,
    });
    for (const g of gen) {
      const text = tok.decode(g);
      out.push(cutAtStop(text, stop) ?? text);
    }
  }
  return out;
}
