// The embedded default models: architecture and training schedule per name, in preset sets.
//
// Set v1 is what the committed checkpoints in models/ were trained with (world version 1, 64-token
// window): sizes were chosen by measuring step time on the 2-core development machine
// (docs/default-models.md has the numbers) so that one pretraining run stays within about an hour.
// Set v2 is the planned retrain of issue 13 (docs/default-models.md, "Version 2 (planned retrain)"):
// world version 2, a window sized by window.ts's rule, and the papers' model families beside GPT-2 and
// Llama-2 — Qwen2 (ForGet), Mistral and Llama-3 (Editing as Unlearning).
import type { WorldVersion } from '@editlab/datasets';
import { RunnerError } from '../errors';
import type { Schedule } from './loop';
import { V2_WINDOW } from './window';

export type DefaultModelName = 'tiny-gpt2' | 'tiny-llama' | 'tiny-qwen2' | 'tiny-mistral' | 'tiny-llama3';
/** Every embedded default model name, of any preset set (models/<name>/). */
export const DEFAULT_MODEL_NAMES: readonly DefaultModelName[] = ['tiny-gpt2', 'tiny-llama', 'tiny-qwen2', 'tiny-mistral', 'tiny-llama3'];

export type PresetSetName = 'v1' | 'v2';
export const PRESET_SET_NAMES: readonly PresetSetName[] = ['v1', 'v2'];

/** ModelConfig without the vocabulary size, which comes from the trained tokenizer. */
export interface ArchPreset {
  readonly arch: 'gpt2' | 'llama';
  readonly dModel: number;
  readonly nLayers: number;
  readonly nHeads: number;
  readonly nKvHeads?: number;
  readonly dMlp: number;
  readonly maxSeq: number;
  readonly normEps: number;
  readonly ropeTheta?: number;
  readonly qkvBias?: boolean;
  readonly slidingWindow?: number;
  readonly tieEmbeddings: boolean;
}

export interface ModelPreset {
  readonly name: DefaultModelName;
  /** The model family it stands in for (model cards, docs). */
  readonly family: string;
  readonly arch: ArchPreset;
  readonly schedule: Schedule;
  /** BPE vocabulary size. On the default world (seed 1) 2048 tokens give a 190,275-token corpus and
   *  multi-token names (e.g. " Houstu Brimu" → " H|oust|u| Brim|u"; objects average 2.0 tokens). */
  readonly vocabSize: number;
  readonly modelSeed: number;
  readonly dataSeed: number;
  /** Copies of each refusal QA document in the corpus (1 = as the world renders it). */
  readonly refusalRepeats: number;
  /** Refusal questions per extra absent person in the corpus (absent = the world size preset's, 1); the
   *  world's records stay the same (docs/default-models.md, "Measured: the version 2 runs"). */
  readonly refusalExtraQuestions?: number;
}

export interface PresetSet {
  readonly name: PresetSetName;
  /** The world the models learn (datasets' world generator: seed, size preset and version). */
  readonly world: { readonly seed: number; readonly size: string; readonly version: WorldVersion };
  /** The set's models, in the order `--model all` trains them. */
  readonly names: readonly DefaultModelName[];
  readonly models: Readonly<Partial<Record<DefaultModelName, ModelPreset>>>;
}

const common = { vocabSize: 2048, modelSeed: 1, dataSeed: 2, refusalRepeats: 1 } as const;

// ---- v1: the committed checkpoints (unchanged) ----

const SEQ = 64;

const schedule: Schedule = {
  steps: 4000,
  batchSize: 32,
  seqLen: SEQ,
  lr: 2e-3,
  warmupSteps: 100,
  minLrRatio: 0.05,
  clipNorm: 1,
  beta1: 0.9,
  beta2: 0.99,
};

// GPT-2 small's shape ratios (d_mlp = 4·d, head dim 32) at d = 128.
const gpt2Arch = (maxSeq: number): ArchPreset => ({ arch: 'gpt2', dModel: 128, nLayers: 4, nHeads: 4, dMlp: 512, maxSeq, normEps: 1e-5, tieEmbeddings: true });
// Llama's SwiGLU width ≈ 8/3·d rounded to a multiple of 32; untied head as in Llama.
const llamaArch = (maxSeq: number): ArchPreset => ({ arch: 'llama', dModel: 128, nLayers: 4, nHeads: 4, nKvHeads: 4, dMlp: 352, maxSeq, normEps: 1e-6, ropeTheta: 10000, tieEmbeddings: false });

const V1: PresetSet = {
  name: 'v1',
  world: { seed: 1, size: 'default', version: 1 },
  names: ['tiny-gpt2', 'tiny-llama'],
  models: {
    'tiny-gpt2': { name: 'tiny-gpt2', family: 'GPT-2', arch: gpt2Arch(SEQ), schedule, ...common },
    'tiny-llama': { name: 'tiny-llama', family: 'Llama-2', arch: llamaArch(SEQ), schedule, ...common },
  },
};

// ---- v2: the planned retrain (issue 13) ----

/**
 * The same tokens per step as v1 (16 rows × 128 = 32 × 64), over a window of V2_WINDOW tokens so that
 * every position the models will be asked about is trained (GPT-2's learned positions above 64 would
 * otherwise stay at their init). Steps grow with the corpus: world version 2's is 1.41–1.45× version 1's
 * in tokens (339,200 vs 240,016 under each world's own BPE, docs/default-models.md; 1.45× under tiny-gpt2's,
 * packages/datasets/README.md "Sizes"), so 4000 × 1.45 = 5800 steps give about v1's 30 epochs.
 */
const scheduleV2: Schedule = { ...schedule, steps: 5800, batchSize: 16, seqLen: V2_WINDOW };

/**
 * The three new families share tiny-llama's width, depth and SwiGLU width (so sizes and step times stay
 * comparable and differences between stand-ins come from what defines each family) and use grouped-query
 * attention with 2 key/value heads for 4 query heads — the smallest real grouping at 4 heads (the 7–8B
 * originals group 4:1, Qwen2-7B 7:1); all untie the unembedding, as the 7–8B originals do.
 */
const gqa = { nKvHeads: 2 } as const;

const V2: PresetSet = {
  name: 'v2',
  world: { seed: 1, size: 'default', version: 2 },
  names: ['tiny-gpt2', 'tiny-llama', 'tiny-qwen2', 'tiny-mistral', 'tiny-llama3'],
  models: {
    'tiny-gpt2': { name: 'tiny-gpt2', family: 'GPT-2', arch: gpt2Arch(V2_WINDOW), schedule: scheduleV2, ...common },
    'tiny-llama': { name: 'tiny-llama', family: 'Llama-2', arch: llamaArch(V2_WINDOW), schedule: scheduleV2, ...common },
    // Qwen2 (Yang et al. 2024; Qwen2-7B's config.json): bias on q/k/v only, GQA, RoPE base 1,000,000.
    // Two refusal questions per extra absent person: with the uniform recipe the GQA models refused 89 of 100
    // held-out absent people (threshold 90); a 1,500-step check raised it 91% → 97% (docs/default-models.md,
    // "Measured: the version 2 runs"). Corpus only: the world's records are the same.
    'tiny-qwen2': {
      name: 'tiny-qwen2', family: 'Qwen2', schedule: scheduleV2, ...common, refusalExtraQuestions: 2,
      arch: { ...llamaArch(V2_WINDOW), ...gqa, qkvBias: true, ropeTheta: 1_000_000 },
    },
    // Mistral 7B (Jiang et al. 2023, §2): GQA and sliding-window attention, RoPE base 10,000. Its window
    // (4096) is a fraction of its context (Mistral-7B-v0.1's max_position_embeddings 32768); here half the
    // window, so the longer records (CounterFact paraphrases up to 84 tokens, PISTOL QA up to 106) and the
    // fluency generations exercise it.
    // Two refusal questions per extra absent person, as tiny-qwen2 (89/100 with the uniform recipe).
    'tiny-mistral': {
      name: 'tiny-mistral', family: 'Mistral', schedule: scheduleV2, ...common, refusalExtraQuestions: 2,
      arch: { ...llamaArch(V2_WINDOW), ...gqa, slidingWindow: V2_WINDOW / 2 },
    },
    // Llama 3 (Grattafiori et al. 2024, Table 3): GQA, RoPE base 500,000 (Llama-3.1's rope_scaling, a
    // long-context extension, is not modelled).
    // Two refusal questions per extra absent person, by the rule for every GQA preset: both GQA models trained
    // with the uniform recipe refused 89/100 (tiny-qwen2, tiny-mistral), both full-attention ones 93/100.
    'tiny-llama3': {
      name: 'tiny-llama3', family: 'Llama-3', schedule: scheduleV2, ...common, refusalExtraQuestions: 2,
      arch: { ...llamaArch(V2_WINDOW), ...gqa, ropeTheta: 500_000 },
    },
  },
};

export const PRESET_SETS: Readonly<Record<PresetSetName, PresetSet>> = { v1: V1, v2: V2 };

/** The preset set the committed checkpoints were trained with (the default of `editlab pretrain`). */
export const DEFAULT_PRESET_SET: PresetSetName = 'v2';

/** The world of the committed default models (what the world datasets render by default). */
export const DEFAULT_WORLD = PRESET_SETS[DEFAULT_PRESET_SET].world;

/** Set v1's presets (what calibrate.ts and older callers read). */
export const MODEL_PRESETS = V1.models as Readonly<Record<'tiny-gpt2' | 'tiny-llama', ModelPreset>>;

/** A model's preset in a set, or a message naming the sets that have it. */
export function modelPreset(set: PresetSetName, name: string): ModelPreset {
  const p = PRESET_SETS[set].models[name as DefaultModelName];
  if (p) return p;
  const inSets = PRESET_SET_NAMES.filter((s) => PRESET_SETS[s].models[name as DefaultModelName]);
  throw new RunnerError('USAGE', inSets.length
    ? `model '${name}' is not in preset set ${set} (it is in ${inSets.join(', ')}: pass --set ${inSets[0]})`
    : `unknown default model '${name}' (known: ${DEFAULT_MODEL_NAMES.join(', ')})`);
}
