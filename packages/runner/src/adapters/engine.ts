// The engine's Transformer + tokenizer as the runner's LoadedModel: a Scorer over engine's
// teacher-forced scoring and batched generation (metrics see only this), and the raw pair for the
// methods, which edit `transformer.params` in place and return an undo.
import { generate, scoreContinuations } from '@editlab/engine';
import type { Tokenizer, Transformer } from '@editlab/engine';
import type { LoadedModel, Scorer } from '../registries';

export interface EngineModel {
  readonly transformer: Transformer;
  readonly tokenizer: Tokenizer;
}

export function engineScorer(m: EngineModel, batchSize = 16): Scorer {
  return {
    // engine scores synchronously; the Scorer contract is async so other backends can be remote.
    score: async (requests) => scoreContinuations(m.transformer, m.tokenizer, requests, { batchSize }),
    generate: async (prompts, o) =>
      generate(m.transformer, m.tokenizer, prompts, { maxNewTokens: o.maxNewTokens, topK: o.topK, seed: o.seed, stop: o.stop, batchSize }),
    tokenize: (text) => m.tokenizer.encode(text),
  };
}

export function loadedEngineModel(m: EngineModel): LoadedModel {
  return { scorer: engineScorer(m), model: m, dispose: () => m.transformer.dispose() };
}
