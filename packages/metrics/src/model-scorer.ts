// The Scorer (scorer.ts) of a real model: teacher-forced scoring and generation from @editlab/engine.
// Scores follow the MEMIT/ROME convention (prompt and continuation tokenized separately, then
// concatenated); ranks are 1-based among the whole vocabulary (1 = argmax).
import { generate, scoreContinuations, type Tokenizer, type Transformer } from '@editlab/engine';
import type { GenerateOptions, ScoreRequest, Scorer, TokenScore } from './scorer';

export interface ModelScorerOptions {
  /** Sequences per forward pass when scoring and generating (default 16). */
  readonly batchSize?: number;
}

export function modelScorer(model: Transformer, tokenizer: Tokenizer, opts: ModelScorerOptions = {}): Scorer {
  return {
    score(requests: readonly ScoreRequest[]): Promise<TokenScore[][]> {
      return Promise.resolve(scoreContinuations(model, tokenizer, requests, { batchSize: opts.batchSize }));
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
