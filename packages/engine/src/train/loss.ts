// Next-token negative log-likelihood on the masked (target) positions:
// L = Σ_i m_i · (−log p(y_i | x_<i)) / Σ_i m_i (the NLL of ROME's/MEMIT's fine-tuning baselines).
import * as tf from '@tensorflow/tfjs';
import { maskedCrossEntropy } from '../kernels/ops';
import type { ForwardOptions, Transformer } from '../model/transformer';
import type { Batch } from './batch';

export function nextTokenNll(model: Transformer, batch: Batch, opts: Omit<ForwardOptions, 'cache' | 'lastOnly'> = {}): tf.Scalar {
  return tf.tidy(() => {
    const logits = model.forward(batch.ids, opts); // [B, T, V]
    const [B, T, V] = logits.shape;
    return maskedCrossEntropy(tf.reshape(logits, [B * T, V]) as tf.Tensor2D, batch.targets, batch.mask);
  });
}
