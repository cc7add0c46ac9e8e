// Log-likelihood terms of the training objectives, on a Batch (batch.ts: inputs, next-token targets,
// loss mask). Next-token NLL on the masked (target) positions:
//   L = Σ_i m_i · (−log p(y_i | x_<i)) / Σ_i m_i   (the NLL of ROME's/MEMIT's fine-tuning baselines),
// and the summed log-probability of each row's targets, log π(y | x) = Σ_i m_i · log p(y_i | x_<i), the
// sequence score that NPO and DPO compare with a reference model's (Zhang et al. 2024, eq. 3; Rafailov
// et al. 2023, eq. 7).
import * as tf from '@tensorflow/tfjs';
import { maskedCrossEntropy } from '../kernels/ops';
import type { ForwardOptions } from '../model/transformer';
import type { Batch } from './batch';

/** What the losses need of a model: a forward pass from ids [B, T] to logits [B, T, V]. */
export interface LanguageModel {
  forward(ids: tf.Tensor2D, opts?: Omit<ForwardOptions, 'cache' | 'lastOnly'>): tf.Tensor;
}

export function nextTokenNll(model: LanguageModel, batch: Batch, opts: Omit<ForwardOptions, 'cache' | 'lastOnly'> = {}): tf.Scalar {
  return tf.tidy(() => {
    const logits = model.forward(batch.ids, opts); // [B, T, V]
    const [B, T, V] = logits.shape as [number, number, number];
    return maskedCrossEntropy(tf.reshape(logits, [B * T, V]) as tf.Tensor2D, batch.targets, batch.mask);
  });
}

/** log p(y_i | x_<i) at every position, [B, T] (padded positions included; weight them by batch.mask). */
export function tokenLogProbs(logProbs: tf.Tensor3D, batch: Batch): tf.Tensor2D {
  return tf.tidy(() => {
    const [B, T, V] = logProbs.shape;
    const onehot = tf.oneHot(tf.reshape(batch.targets, [B, T]) as tf.Tensor2D, V);
    return tf.sum(tf.mul(logProbs, onehot), -1) as tf.Tensor2D;
  });
}

/** Σ_i m_i · log p(y_i | x_<i) per row, [B], from log-softmax outputs [B, T, V]. */
export function sequenceLogProbs(logProbs: tf.Tensor3D, batch: Batch): tf.Tensor1D {
  return tf.tidy(() => {
    const [B, T] = logProbs.shape;
    return tf.sum(tf.mul(tokenLogProbs(logProbs, batch), tf.reshape(batch.mask, [B, T])), -1) as tf.Tensor1D;
  });
}

/** log-softmax of the model's logits on the batch, [B, T, V]. */
export function logSoftmaxOf(model: LanguageModel, batch: Batch): tf.Tensor3D {
  return tf.tidy(() => tf.logSoftmax(model.forward(batch.ids)) as tf.Tensor3D);
}
