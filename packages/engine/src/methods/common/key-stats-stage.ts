// The key-statistics prepare stage of ROME, MEMIT and AlphaEdit: C = E[k kᵀ] of the W_out inputs at the edited
// layers over a text corpus (stats/key-stats.ts; ROME §3.1 eq. 2, upstream rome/layer_stats.py), cached by
// the runner per model × corpus × (layers, samples) and handed back as ctx.prepared['key-stats'].
//
// Samples (upstream mom2_n_samples): documents of the corpus — the spec's model `corpus:` file, or for the
// embedded models the world's pretraining text (runner README "Corpus"). The rule when the corpus is smaller
// than asked: every document is used, and the artifact records both numbers (requestedSamples, nSamples).
// The documents are taken in a seeded shuffled order (upstream reads Wikipedia articles, which are in no
// topical order; the world's corpus is rendered relation by relation, so its first documents are not a sample).
// Each document is cut to the model's window (upstream: the model's max positions).
//
// The artifact: `key-stats.bin` (stats/key-stats-file.ts, float64 upper triangles) and, as the JSON value,
// what the measured resource table reads (ForGet Table 5): samples, tokens and bytes; the wall time goes to
// `cost.json` beside the file ({ seconds, samples, tokens, bytes }), since the JSON value is written into the
// table's meta file, which must not change between a fresh and a cached run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, hashString } from '../../model/prng';
import { deserializeKeyStats, keyStatistics, serializeKeyStats } from '../../stats/index';
import type { MethodContext, ModelShape, PrepareStage } from '../editor';
import { MethodInputError } from './errors';
import { editModelShape } from './shape';

export const KEY_STATS_STAGE = 'key-stats';
const FILE = 'key-stats.bin';
const COST_FILE = 'cost.json';

export interface KeyStatsArtifact {
  /** False when the method's params need no statistics (ROME with mom2Adjustment off: C = I). */
  readonly enabled: boolean;
  readonly file?: string;
  readonly layers?: number[];
  readonly dMlp?: number;
  readonly requestedSamples?: number;
  readonly corpusDocuments?: number;
  readonly nSamples?: number;
  readonly nTokens?: number;
  readonly bytes?: number;
  /** Name of the file with { seconds, samples, tokens, bytes } of the computation. */
  readonly costFile?: string;
}

/** What a method's params ask of the stage; layers resolved against the model (the layer rule). */
export interface KeyStatsRequest {
  readonly enabled: boolean;
  readonly samples: number;
  /** The layers on a model of this shape (the method's params, else its layer rule). */
  layers(shape: ModelShape): readonly number[];
  /** What the key depends on (the raw layer params; the model is keyed by its hash anyway). */
  readonly key: unknown;
}

/** The stage for a method whose params select layers and samples through `select`. */
export function keyStatsStage<P>(select: (p: P) => KeyStatsRequest): PrepareStage<P, KeyStatsArtifact> {
  return {
    name: KEY_STATS_STAGE,
    reads: 'corpus',
    inputs: (p) => {
      const s = select(p);
      return s.enabled ? { layers: s.key, samples: s.samples } : { enabled: false };
    },
    run(model, p, input) {
      const s = select(p);
      if (!s.enabled) return { enabled: false };
      const corpus = input.corpus ?? [];
      if (corpus.length === 0) throw new MethodInputError('key statistics: the corpus is empty (give the model item a `corpus:` file)');
      const docs = new Rng(hashString(KEY_STATS_STAGE, input.seed)).shuffle(corpus).slice(0, s.samples);
      const layers = [...s.layers(editModelShape(model))];
      const stats = keyStatistics(model.transformer, model.tokenizer, docs, { layers });
      writeFileSync(join(input.dir, FILE), serializeKeyStats(stats));
      writeFileSync(join(input.dir, COST_FILE), JSON.stringify(stats.cost));
      return {
        enabled: true, file: FILE, layers: [...stats.layers], dMlp: stats.dMlp, requestedSamples: s.samples, corpusDocuments: corpus.length,
        nSamples: stats.nSamples, nTokens: stats.nTokens, bytes: stats.cost.bytes, costFile: COST_FILE,
      };
    },
  };
}

const loaded = new Map<string, ReadonlyMap<number, Float64Array>>();

/** C of `layer` from the stage's artifact in ctx (parsed once per artifact directory). */
export function keyStatsOf(ctx: MethodContext, layer: number, method: string): Float64Array {
  const a = ctx.prepared?.[KEY_STATS_STAGE];
  const v = a?.value as KeyStatsArtifact | undefined;
  if (!a || !v?.enabled || !v.file) {
    throw new MethodInputError(`${method}: no key statistics: run the '${KEY_STATS_STAGE}' stage first (the runner does; direct callers pass its output as ctx.prepared['${KEY_STATS_STAGE}'])`);
  }
  const path = join(a.dir, v.file);
  let mom2 = loaded.get(path);
  if (!mom2) {
    mom2 = deserializeKeyStats(new Uint8Array(readFileSync(path)), path).mom2;
    if (loaded.size >= 4) loaded.delete(loaded.keys().next().value!); // a few models' statistics at most
    loaded.set(path, mom2);
  }
  const c = mom2.get(layer);
  if (!c) throw new MethodInputError(`${method}: the key statistics hold layers ${[...mom2.keys()].join(', ')}, not layer ${layer}`);
  return c;
}
