// The embedded default models: architecture and training schedule per name. Sizes were chosen by
// measuring step time on the 2-core development machine (docs/default-models.md has the numbers)
// so that one pretraining run stays within about an hour on the default wasm backend.
import type { Schedule } from './loop';

/** The world the default models learn (datasets' world generator: seed and size preset). */
export const DEFAULT_WORLD = { seed: 1, size: 'default' } as const;

export type DefaultModelName = 'tiny-gpt2' | 'tiny-llama';
export const DEFAULT_MODEL_NAMES: readonly DefaultModelName[] = ['tiny-gpt2', 'tiny-llama'];

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
  readonly tieEmbeddings: boolean;
}

export interface ModelPreset {
  readonly name: DefaultModelName;
  readonly arch: ArchPreset;
  readonly schedule: Schedule;
  /** BPE vocabulary size. On the default world (seed 1) 2048 tokens give a 190,275-token corpus and
   *  multi-token names (e.g. " Houstu Brimu" → " H|oust|u| Brim|u"; objects average 2.0 tokens). */
  readonly vocabSize: number;
  readonly modelSeed: number;
  readonly dataSeed: number;
  /** Copies of each refusal QA document in the corpus (1 = as the world renders it). */
  readonly refusalRepeats: number;
}

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

export const MODEL_PRESETS: Readonly<Record<DefaultModelName, ModelPreset>> = {
  'tiny-gpt2': {
    name: 'tiny-gpt2',
    // GPT-2 small's shape ratios (d_mlp = 4·d, head dim 32) at d = 128.
    arch: { arch: 'gpt2', dModel: 128, nLayers: 4, nHeads: 4, dMlp: 512, maxSeq: SEQ, normEps: 1e-5, tieEmbeddings: true },
    schedule,
    vocabSize: 2048,
    modelSeed: 1,
    dataSeed: 2,
    refusalRepeats: 1,
  },
  'tiny-llama': {
    name: 'tiny-llama',
    // Llama's SwiGLU width ≈ 8/3·d rounded to a multiple of 32; untied head as in Llama.
    arch: { arch: 'llama', dModel: 128, nLayers: 4, nHeads: 4, nKvHeads: 4, dMlp: 352, maxSeq: SEQ, normEps: 1e-6, ropeTheta: 10000, tieEmbeddings: false },
    schedule,
    vocabSize: 2048,
    modelSeed: 1,
    dataSeed: 2,
    refusalRepeats: 1,
  },
};
