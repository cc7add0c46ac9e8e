// The Scorer (scorer.ts) of a real model: teacher-forced scoring and generation from @editlab/engine.
// Scores follow the MEMIT/ROME convention (prompt and continuation tokenized separately, then
// concatenated); ranks are 1-based among the whole vocabulary (1 = argmax).
import { generate, scoreContinuations, type Tokenizer, type Transformer } from '@editlab/engine';
import type { GenerateOptions, ScoreRequest, Scorer, TokenScore } from './scorer';

export interface ModelScorerOptions {
  /** Sequences per forward pass when generating, and the least per pass when scoring (default 16). */
  readonly batchSize?: number;
}

/**
 * Logit floats one scoring pass may hold (64 MiB). A record's probes (rewrite, paraphrases, neighbours, each
 * with both targets) are scored in one `score` call; packing as many of them into one padded forward pass as
 * fit this budget at the model's context length makes that call one pass on the small models (128 sequences
 * on the tiny defaults) and keeps `batchSize` on large vocabularies (GPT-2: 16). Issue 18; docs/engine-speed.md.
 */
export const SCORE_LOGITS_BUDGET = 1 << 24;

/** Sequences per scoring pass for this model: as many as fit SCORE_LOGITS_BUDGET, at least `batchSize`. */
export function scoreBatchSize(model: Transformer, batchSize = 16): number {
  return Math.max(batchSize, Math.floor(SCORE_LOGITS_BUDGET / (model.config.maxSeq * model.config.vocabSize)));
}

export function modelScorer(model: Transformer, tokenizer: Tokenizer, opts: ModelScorerOptions = {}): Scorer {
  const scoreBatch = scoreBatchSize(model, opts.batchSize);
  return {
    score(requests: readonly ScoreRequest[]): Promise<TokenScore[][]> {
      return Promise.resolve(scoreContinuations(model, tokenizer, requests, { batchSize: scoreBatch }));
    },
    generate(prompts: readonly string[], o: GenerateOptions): Promise<string[]> {
      return Promise.resolve(
        generate(model, tokenizer, prompts, { maxNewTokens: o.maxNewTokens, topK: o.topK, seed: o.seed, stop: o.stop, batchSize: opts.batchSize }),
      );
    },
    tokenize(text: string): number[] {
      return tokenizer.encode(text);
    },
  };
}
