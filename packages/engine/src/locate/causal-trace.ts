// Causal tracing (ROME §2.1, Meng et al. 2022, "Locating and Editing Factual Associations in GPT"; upstream
// kmeng01/rome experiments/causal_trace.py, trace_with_patch / calculate_hidden_flow):
//  1. clean run: P_clean(target) and the clean activation of every (layer, token) at the traced site;
//  2. corrupted runs: Gaussian noise N(0, (noise·σ)²) added to the token embeddings of the subject's tokens
//     (`hook_embed`, before position embeddings, as upstream adds it to `wte`'s output), `samples` draws;
//     P_corrupted = the mean of P(target) over the draws;
//  3. corrupted-with-restoration runs: the same draws, with the clean activation written back at one token for
//     the layers of a window around layer l; the grid holds the mean P(target) of those runs, and the indirect
//     effect is grid − P_corrupted.
// Sites (one generic loop, one small config each): 'hidden' = the block output `hook_resid_post` (upstream's
// `transformer.h.{l}`), 'mlp' = `hook_mlp_out`, 'attn' = `hook_attn_out`. As upstream, one set of noise draws (one
// seeded generator) serves every cell, so cells differ only by what is restored.
// σ: upstream measures the std of the subject-token embeddings of its known facts (collect_embedding_std); the
// default here is the std of all entries of the embedding matrix W_E (needs no fact list); embeddingStd(model,
// tokenizer, subjects) gives upstream's statistic, and `sigma` takes any value.
import * as tf from '@tensorflow/tfjs';
import { hookName, type HookName } from '../hooks/names';
import { runWithCache, runWithHooks, type HookFn } from '../hooks/run';
import { EngineModelError } from '../model/errors';
import { Rng } from '../model/prng';
import type { Tokenizer } from '../model/tokenizer';
import { Transformer } from '../model/transformer';
import { checkIds, promptIds } from '../score/pack';

export type TraceKind = 'hidden' | 'mlp' | 'attn';

/** Where each kind restores: the hook point of layer l. */
const SITES: Readonly<Record<TraceKind, (l: number) => HookName>> = {
  hidden: hookName.residPost,
  mlp: hookName.mlpOut,
  attn: hookName.attnOut,
};

export class CausalTraceError extends EngineModelError {
  constructor(message: string) {
    super('ENGINE_BAD_TRACE', message);
  }
}

export interface TraceFact {
  readonly prompt: string;
  /** The subject as it appears in the prompt (its first occurrence is corrupted). */
  readonly subject: string;
  /** The true target; its first token (tokenized alone, as scoring does) is the traced answer. */
  readonly target: string;
}

export interface CausalTraceOptions {
  /** Noise draws per cell (upstream: 10). */
  readonly samples?: number;
  /** Site restored (default 'hidden'). */
  readonly kind?: TraceKind;
  /** Layers restored around l: [l − ⌊w/2⌋, l + ⌈w/2⌉) ∩ [0, L). Default: 1 for 'hidden', 10 for 'mlp'/'attn' (upstream). */
  readonly window?: number;
  /** Noise scale in units of σ (ROME §2.1: 3). */
  readonly noise?: number;
  /** σ; default: embeddingStd(model) (std of W_E's entries). */
  readonly sigma?: number;
  readonly seed?: number;
  /** Rows (noise draws × cells) per forward pass (default 256). */
  readonly maxRows?: number;
}

export interface CausalTraceResult {
  readonly kind: TraceKind;
  readonly window: number;
  readonly samples: number;
  /** The noise std actually used: noise · σ. */
  readonly noiseStd: number;
  /** Decoded prompt tokens (BOS first when the tokenizer has one); grid rows follow them. */
  readonly tokens: readonly string[];
  /** Token range [start, end) of the subject. */
  readonly subjectRange: readonly [number, number];
  readonly targetId: number;
  readonly pClean: number;
  readonly pCorrupted: number;
  /** [token][layer]: mean P(target) with the clean state restored at (token, window around layer). */
  readonly restored: readonly (readonly number[])[];
  /** [token][layer]: restored − pCorrupted (ROME's indirect effect). */
  readonly indirectEffect: readonly (readonly number[])[];
}

export const CAUSAL_TRACE_DEFAULTS = { samples: 10, kind: 'hidden', noise: 3, seed: 1, maxRows: 256 } as const;

/** Std of the entries of the token-embedding matrix, or (with subjects) of the subjects' token embeddings as upstream. */
export function embeddingStd(model: Transformer, tokenizer?: Tokenizer, subjects?: readonly string[]): number {
  const W = model.param('embed.W_E').dataSync() as Float32Array;
  const d = model.config.dModel;
  const rows = subjects && tokenizer ? subjects.flatMap((s) => tokenizer.encode(s)) : undefined;
  let n = 0;
  let sum = 0;
  let sq = 0;
  const add = (v: number): void => {
    n++;
    sum += v;
    sq += v * v;
  };
  if (rows) for (const r of rows) for (let j = 0; j < d; j++) add(W[r * d + j]!);
  else for (const v of W) add(v);
  if (n < 2) throw new CausalTraceError('embeddingStd: no embedding entries to measure (empty subjects?)');
  return Math.sqrt(Math.max(0, (sq - (sum * sum) / n) / (n - 1)));
}

/** Token range [start, end) covering the first occurrence of subject in the prompt's tokens. */
export function subjectTokenRange(tokenizer: Tokenizer, ids: readonly number[], prompt: string, subject: string, offset: number): [number, number] {
  const at = prompt.indexOf(subject);
  if (at < 0 || subject.length === 0) throw new CausalTraceError(`causalTrace: subject '${subject}' does not occur in the prompt '${prompt}'`);
  const end = at + subject.length;
  let start = -1;
  let stop = -1;
  let prev = 0;
  for (let i = 0; i < ids.length; i++) {
    const upTo = tokenizer.decode(ids.slice(0, i + 1) as number[]).length; // char span of token i: [prev, upTo)
    if (start < 0 && upTo > at) start = i;
    if (prev < end) stop = i + 1;
    prev = upTo;
  }
  if (start < 0 || stop <= start) throw new CausalTraceError(`causalTrace: could not map subject '${subject}' onto the prompt's tokens`);
  return [start + offset, stop + offset];
}

/** Mean over rows of P(target) at the last position, per group of `group` consecutive rows (float64 softmax). */
function meanProbs(logits: tf.Tensor3D, target: number, group: number): number[] {
  const [rows, , V] = logits.shape;
  const x = logits.dataSync();
  const out: number[] = [];
  for (let g = 0; g < rows / group; g++) {
    let s = 0;
    for (let r = g * group; r < (g + 1) * group; r++) {
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, x[r * V + v]!);
      let z = 0;
      for (let v = 0; v < V; v++) z += Math.exp(x[r * V + v]! - max);
      s += Math.exp(x[r * V + target]! - max) / z;
    }
    out.push(s / group);
  }
  return out;
}

function checkOptions(model: Transformer, opts: CausalTraceOptions) {
  const kind = opts.kind ?? CAUSAL_TRACE_DEFAULTS.kind;
  if (!(kind in SITES)) throw new CausalTraceError(`causalTrace: kind '${kind}' is not one of ${Object.keys(SITES).join(', ')}`);
  const samples = opts.samples ?? CAUSAL_TRACE_DEFAULTS.samples;
  const window = opts.window ?? (kind === 'hidden' ? 1 : 10);
  const maxRows = opts.maxRows ?? CAUSAL_TRACE_DEFAULTS.maxRows;
  for (const [name, v] of [['samples', samples], ['window', window], ['maxRows', maxRows]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new CausalTraceError(`causalTrace: ${name} ${v} must be a positive integer`);
  }
  const noise = opts.noise ?? CAUSAL_TRACE_DEFAULTS.noise;
  const sigma = opts.sigma ?? embeddingStd(model);
  if (!(noise >= 0) || !(sigma >= 0)) throw new CausalTraceError(`causalTrace: noise ${noise} and sigma ${sigma} must be ≥ 0`);
  return { kind, samples, window, maxRows, noiseStd: noise * sigma, seed: opts.seed ?? CAUSAL_TRACE_DEFAULTS.seed };
}

/** Causal trace of one fact: the (token × layer) grid of restored P(target), with P_clean and P_corrupted. */
export function causalTrace(model: Transformer, tokenizer: Tokenizer, fact: TraceFact, opts: CausalTraceOptions = {}): CausalTraceResult {
  const { kind, samples, window, maxRows, noiseStd, seed } = checkOptions(model, opts);
  const L = model.config.nLayers;
  const d = model.config.dModel;
  const ids = promptIds(tokenizer, fact.prompt, 'causalTrace');
  checkIds([ids], model.config.vocabSize, 'causalTrace: prompt');
  const T = ids.length;
  const targetId = tokenizer.encode(fact.target)[0];
  if (targetId === undefined) throw new CausalTraceError(`causalTrace: target '${fact.target}' encodes to no tokens`);
  const bos = tokenizer.bosId === undefined ? 0 : 1;
  const [s0, s1] = subjectTokenRange(tokenizer, ids.slice(bos), fact.prompt, fact.subject, bos);
  const sites = Array.from({ length: L }, (_, l) => SITES[kind](l));
  // Layers restored for a cell of layer l (upstream: range(max(0, l − w//2), min(L, l − (−w//2)))).
  const restoredLayers = (l: number): number[] => {
    const out: number[] = [];
    for (let k = Math.max(0, l - Math.floor(window / 2)); k < Math.min(L, l + Math.ceil(window / 2)); k++) out.push(k);
    return out;
  };

  // One set of noise draws [samples, T, d], zero outside the subject's tokens.
  const rng = new Rng(seed);
  const noiseData = new Float32Array(samples * T * d);
  for (let s = 0; s < samples; s++) {
    for (let t = s0; t < s1; t++) for (let j = 0; j < d; j++) noiseData[(s * T + t) * d + j] = noiseStd * rng.normal();
  }

  const input = Transformer.idsTensor([ids]);
  const noise = tf.tensor3d(noiseData, [samples, T, d]);
  const clean = runWithCache(model, input, sites, { lastOnly: true });
  // P(target) of corrupted runs restoring `cells` (token, layer) — none: the corrupted baseline — `samples` rows each.
  const run = (cells: ReadonlyArray<readonly [number, number]>): number[] => {
    const nCells = Math.max(cells.length, 1);
    const rows = nCells * samples;
    const logits = tf.tidy(() => {
      const noisy = tf.tile(noise, [nCells, 1, 1]);
      const hooks: Record<string, HookFn> = { [hookName.embed()]: (x) => tf.add(x, noisy) };
      for (let k = 0; k < L; k++) {
        const mask = new Float32Array(rows * T); // 1 at (row, token) where layer k is restored
        let any = false;
        cells.forEach(([t, l], c) => {
          if (!restoredLayers(l).includes(k)) return;
          any = true;
          for (let s = 0; s < samples; s++) mask[(c * samples + s) * T + t] = 1;
        });
        if (!any) continue;
        const m = tf.tensor3d(mask, [rows, T, 1]);
        const cleanAct = clean.cache.get(sites[k]!); // [1, T, d]
        // x·(1 − m) + clean·m is exactly the clean activation where m = 1 and exactly x where m = 0.
        hooks[sites[k]!] = (x) => tf.add(tf.mul(x, tf.sub(1, m)), tf.mul(cleanAct, m));
      }
      return runWithHooks(model, tf.tile(input, [rows, 1]) as tf.Tensor2D, hooks, { lastOnly: true });
    });
    try {
      return meanProbs(logits, targetId, samples);
    } finally {
      logits.dispose();
    }
  };
  try {
    const pClean = meanProbs(clean.logits, targetId, 1)[0]!;
    const pCorrupted = run([])[0]!;
    const cells: Array<[number, number]> = [];
    for (let t = 0; t < T; t++) for (let l = 0; l < L; l++) cells.push([t, l]);
    const perRun = Math.max(1, Math.floor(maxRows / samples));
    const values: number[] = [];
    for (let i = 0; i < cells.length; i += perRun) values.push(...run(cells.slice(i, i + perRun)));
    const restored = Array.from({ length: T }, (_, t) => values.slice(t * L, (t + 1) * L));
    return {
      kind,
      window,
      samples,
      noiseStd,
      tokens: ids.map((id) => tokenizer.decode([id])),
      subjectRange: [s0, s1],
      targetId,
      pClean,
      pCorrupted,
      restored,
      indirectEffect: restored.map((row) => row.map((p) => p - pCorrupted)),
    };
  } finally {
    tf.dispose([input, noise, clean.logits]);
    clean.cache.dispose();
  }
}
