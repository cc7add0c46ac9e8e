// The pieces the pretraining pipeline takes from its sibling packages, behind one interface so the
// pipeline is tested with small stand-ins and wired to the real ones in one place.
import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '@editlab/engine';
import type { WorldVersion } from '@editlab/datasets';
import type { KnowledgeSource, TextTokenizer } from './types';

/** A trained tokenizer that serialises to Hugging Face tokenizer.json. */
export interface TrainedTokenizer extends TextTokenizer {
  toJSON(): string;
}

export interface SourceChoice {
  readonly worldSeed?: number;
  readonly worldSize?: string;
  /** World version (datasets' WORLD_VERSIONS; default 1). */
  readonly worldVersion?: WorldVersion;
  readonly facts?: readonly string[];
  /** Copies of each in-corpus refusal QA document (world sources). */
  readonly refusalRepeats?: number;
  /** Refusal questions per extra absent person (world sources; default: the world size preset's). */
  readonly refusalExtraQuestions?: number;
}

export interface PretrainParts {
  /** The knowledge to learn: a world (seed, size) or real fact files. */
  source(o: SourceChoice): { source: KnowledgeSource; worldSeed?: number; worldSize?: string; worldVersion?: WorldVersion };
  trainTokenizer(corpus: readonly string[], vocabSize: number, specialTokens: readonly string[]): TrainedTokenizer;
  /** Write config.json + model.safetensors + tokenizer.json (Hugging Face layout). */
  saveCheckpoint(dir: string, c: { config: ModelConfig; weights: Map<string, tf.Tensor>; tokenizer: TrainedTokenizer }): Promise<void>;
}
