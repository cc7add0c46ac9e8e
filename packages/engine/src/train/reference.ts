// A frozen reference model for objectives that compare the trained model with where it started (KL to
// the reference, NPO, DPO: π_ref is a frozen copy of the initial model, Rafailov et al. 2023 §4; Zhang
// et al. 2024 §3). The loop computes the reference's outputs on a step's batches outside the gradient
// tape, once per batch (a fixed stream's batch is computed once for the whole run), and hands them to
// the objective; they are constants of the step's loss.
import * as tf from '@tensorflow/tfjs';
import { Transformer } from '../model/transformer';
import type { Batch } from './batch';
import { logSoftmaxOf, sequenceLogProbs, tokenLogProbs, type LanguageModel } from './loss';

/** The reference model's outputs on one batch. */
export interface ReferenceOutputs {
  /** log π_ref(· | x_<i), [B, T, V]. */
  readonly logProbs: tf.Tensor3D;
  /** log π_ref(y_i | x_<i), [B, T]. */
  readonly tokenLogProbs: tf.Tensor2D;
  /** Σ_i m_i · log π_ref(y_i | x_<i) per row, [B]. */
  readonly sequenceLogProbs: tf.Tensor1D;
}

export function referenceOutputs(reference: LanguageModel, batch: Batch): ReferenceOutputs {
  return tf.tidy(() => {
    const logProbs = logSoftmaxOf(reference, batch);
    return { logProbs, tokenLogProbs: tokenLogProbs(logProbs, batch), sequenceLogProbs: sequenceLogProbs(logProbs, batch) };
  });
}

function disposeOutputs(r: ReferenceOutputs): void {
  tf.dispose([r.logProbs, r.tokenLogProbs, r.sequenceLogProbs]);
}

/** A copy of the model's current weights as a separate model (the caller disposes it). */
export function frozenCopy(model: Transformer): Transformer {
  const w = model.weights();
  try {
    return Transformer.fromWeights(model.config, w);
  } finally {
    tf.dispose([...w.values()]);
  }
}

/** Reference outputs per batch, kept while that batch is drawn again (a fixed stream's batch). */
export class ReferenceCache {
  private readonly byBatch = new Map<Batch, ReferenceOutputs>();
  constructor(private readonly reference: LanguageModel) {}

  /** The outputs for this step's batches (by stream name); outputs of batches no longer drawn are freed. */
  step(batches: Readonly<Record<string, Batch>>, streams: readonly string[]): Record<string, ReferenceOutputs> {
    const live = new Set(streams.map((s) => batches[s]!));
    for (const [b, r] of this.byBatch) {
      if (!live.has(b)) {
        disposeOutputs(r);
        this.byBatch.delete(b);
      }
    }
    return Object.fromEntries(streams.map((s) => {
      const b = batches[s]!;
      let r = this.byBatch.get(b);
      if (!r) this.byBatch.set(b, (r = referenceOutputs(this.reference, b)));
      return [s, r];
    }));
  }

  dispose(): void {
    this.byBatch.forEach(disposeOutputs);
    this.byBatch.clear();
  }
}
