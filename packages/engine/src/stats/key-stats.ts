// Key statistics (ROME §3.1 eq. 2 / Meng et al. 2022; MEMIT §4.3 eq. 14): the uncentred second moment
// C = E[k kᵀ] of the MLP keys — the input of the MLP output projection W_out, `blocks.l.mlp.hook_post`
// (GPT-2: gelu(x·W_in + b_in); Llama: silu(x·W_gate) ⊙ x·W_in) — over every real token of a text sample,
// as ROME's layer_stats (rome/layer_stats.py, runningstats.SecondMoment) collects it: C = Σ k kᵀ / count,
// count = tokens. Texts are tokenized as prompts are (the tokenizer's BOS first, when it has one) and cut to
// maxTokensPerSample; empty texts are skipped and not counted.
//
// Precision: keys are float32 activations; each product k_i·k_j is exact in float64 (24 + 24 < 53 mantissa bits)
// and the sums are accumulated in float64 (BLAS dsyrk on the LAPACK path, a plain loop on the JS path). With
// float64 accumulation the rounding error of a sum of N terms is ≲ N·2⁻⁵³ relative (~1e-10 for 10⁶ tokens),
// far below the float32 noise of the keys themselves, so neither Kahan nor pairwise summation is used.
import * as tf from '@tensorflow/tfjs';
import { hookName } from '../hooks/names';
import { runWithCache } from '../hooks/run';
import { gramAccumulate, mirrorUpper, type LinalgPath } from '../linalg/index';
import type { Tokenizer } from '../model/tokenizer';
import type { Transformer } from '../model/transformer';
import { checkIds, packLeft } from '../score/pack';
import { KeyStatsError } from './errors';
import { keyStatsFileBytes } from './key-stats-file';

export interface KeyStatsOptions {
  /** Layer(s) whose W_out input is measured. */
  readonly layers: number | readonly number[];
  /** Use at most this many (non-empty) texts, in the given order (ROME's mom2_n_samples). Default: all. */
  readonly maxSamples?: number;
  /** Cut each text to this many tokens (ROME: the model's max positions). Default: the model's maxSeq. */
  readonly maxTokensPerSample?: number;
  /** Texts per forward pass (left-padded; pads are not counted). Default 16. */
  readonly batchSize?: number;
  /** Accumulation path (linalg/): 'auto' (default), 'lapack' (dsyrk) or 'js'. */
  readonly path?: LinalgPath | 'auto';
}

export interface KeyStatsCost {
  readonly samples: number;
  readonly tokens: number;
  /** Wall-clock seconds of the computation (not part of the file). */
  readonly seconds: number;
  /** Size of the serialised statistics (serializeKeyStats). */
  readonly bytes: number;
}

export interface KeyStatistics {
  readonly layers: readonly number[];
  readonly dMlp: number;
  /** layer → C = E[k kᵀ], row-major dMlp × dMlp, float64, exactly symmetric. */
  readonly mom2: ReadonlyMap<number, Float64Array>;
  /** Texts that contributed at least one token. */
  readonly nSamples: number;
  /** Tokens (keys) averaged over: the count C is divided by. */
  readonly nTokens: number;
  readonly maxTokensPerSample: number;
}

function checkOptions(model: Transformer, opts: KeyStatsOptions): { layers: number[]; maxTokens: number; batchSize: number } {
  const L = model.config.nLayers;
  const layers = [...new Set(typeof opts.layers === 'number' ? [opts.layers] : opts.layers)].sort((a, b) => a - b);
  if (layers.length === 0) throw new KeyStatsError('KEYSTATS_BAD_OPTIONS', 'keyStatistics: layers is empty');
  for (const l of layers) {
    if (!Number.isInteger(l) || l < 0 || l >= L) {
      throw new KeyStatsError('KEYSTATS_BAD_OPTIONS', `keyStatistics: layer ${l} is outside the model's layers 0..${L - 1}`);
    }
  }
  const maxTokens = opts.maxTokensPerSample ?? model.config.maxSeq;
  if (!Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > model.config.maxSeq) {
    throw new KeyStatsError('KEYSTATS_BAD_OPTIONS', `keyStatistics: maxTokensPerSample ${maxTokens} must be an integer in 1..${model.config.maxSeq} (the model's maxSeq)`);
  }
  const batchSize = opts.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new KeyStatsError('KEYSTATS_BAD_OPTIONS', `keyStatistics: batchSize ${batchSize} must be a positive integer`);
  if (opts.maxSamples !== undefined && (!Number.isInteger(opts.maxSamples) || opts.maxSamples < 1)) {
    throw new KeyStatsError('KEYSTATS_BAD_OPTIONS', `keyStatistics: maxSamples ${opts.maxSamples} must be a positive integer`);
  }
  return { layers, maxTokens, batchSize };
}

/** Token ids of the samples: BOS first when the tokenizer has one, cut to maxTokens; empty texts skipped. */
export function keyStatsSamples(tokenizer: Tokenizer, texts: readonly string[], maxSamples: number, maxTokens: number): number[][] {
  const out: number[][] = [];
  for (const text of texts) {
    if (out.length >= maxSamples) break;
    const ids = tokenizer.encode(text);
    if (ids.length === 0) continue;
    out.push((tokenizer.bosId === undefined ? ids : [tokenizer.bosId, ...ids]).slice(0, maxTokens));
  }
  return out;
}

/** C = E[k kᵀ] of the W_out inputs at each layer, over the texts (see the file header). */
export function keyStatistics(
  model: Transformer,
  tokenizer: Tokenizer,
  texts: readonly string[],
  opts: KeyStatsOptions,
): KeyStatistics & { cost: KeyStatsCost } {
  const t0 = performance.now();
  const { layers, maxTokens, batchSize } = checkOptions(model, opts);
  const m = model.config.dMlp;
  const samples = keyStatsSamples(tokenizer, texts, opts.maxSamples ?? Number.POSITIVE_INFINITY, maxTokens);
  if (samples.length === 0) throw new KeyStatsError('KEYSTATS_NO_TOKENS', `keyStatistics: none of the ${texts.length} texts has a token`);
  checkIds(samples, model.config.vocabSize, 'keyStatistics: text');
  const acc = new Map(layers.map((l) => [l, new Float64Array(m * m)]));
  const names = layers.map((l) => hookName.mlpPost(l));
  let nTokens = 0;
  for (let s = 0; s < samples.length; s += batchSize) {
    const batch = samples.slice(s, s + batchSize);
    const T = Math.max(...batch.map((b) => b.length));
    const real = batch.reduce((n, b) => n + b.length, 0);
    const { ids, mask } = packLeft(batch, tokenizer.padId);
    const { logits, cache } = runWithCache(model, ids, names, { attentionMask: mask, lastOnly: true });
    try {
      for (const [i, l] of layers.entries()) {
        const keys = cache.get(names[i]!).dataSync() as Float32Array; // [B, T, m]
        const rows = new Float64Array(real * m);
        let r = 0;
        batch.forEach((b, bi) => {
          const from = (bi * T + T - b.length) * m; // left padding: real tokens are the last b.length positions
          rows.set(keys.subarray(from, from + b.length * m), r * m);
          r += b.length;
        });
        gramAccumulate(acc.get(l)!, rows, real, m, { path: opts.path ?? 'auto' });
      }
    } finally {
      tf.dispose([logits, ids, mask]);
      cache.dispose();
    }
    nTokens += real;
  }
  for (const c of acc.values()) {
    mirrorUpper(c, m);
    for (let i = 0; i < c.length; i++) c[i]! /= nTokens;
  }
  const stats = { layers, dMlp: m, mom2: acc, nSamples: samples.length, nTokens, maxTokensPerSample: maxTokens };
  const seconds = (performance.now() - t0) / 1000;
  return { ...stats, cost: { samples: samples.length, tokens: nTokens, seconds, bytes: keyStatsFileBytes(stats) } };
}
