// The engine's Transformer + tokenizer as the runner's LoadedModel: metrics see it through the
// metrics package's Scorer over engine scoring/generation (modelScorer); methods get the raw pair
// and edit `transformer.params` in place, returning an undo.
import type { Tokenizer, Transformer } from '@editlab/engine';
import { modelScorer } from '@editlab/metrics';
import type { LoadedModel } from '../registries';

export interface EngineModel {
  readonly transformer: Transformer;
  readonly tokenizer: Tokenizer;
  /** The model card's traced edit layer (pretrain/edit-layer.ts; engine EditModel.editLayer). */
  readonly editLayer?: number;
}

export function loadedEngineModel(m: EngineModel, batchSize = 16): LoadedModel {
  return {
    scorer: modelScorer(m.transformer, m.tokenizer, { batchSize }),
    model: m,
    window: { tokens: m.transformer.config.maxSeq, bos: m.tokenizer.bosId !== undefined },
    dispose: () => m.transformer.dispose(),
  };
}
