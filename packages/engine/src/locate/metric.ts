// The loss L of ForGet eq. 3 ("The loss function L measures the discrepancy … can take various forms such
// as cross-entropy or KL divergence", ForGet §4.1.2), read at the last prompt position (left padding puts
// every row's last real token at T−1).
//  - 'nll' (default): −log p(first token of the true answer | prompt). This is the cross-entropy ForGet
//    names, it needs no second answer (facts whose partner shares a first token would still carry signal)
//    and it is the quantity the editing phase itself optimises (ForGet eqs. 4–6), so the circuit is the
//    one that carries the loss ForGet ascends / descends.
//  - 'logit-diff': −(logit[answer] − logit[corruptAnswer]), KnowledgeCircuits' `logit_diff(loss=True)`
//    (zjunlp/KnowledgeCircuits `eap/metrics.py`), with corruptAnswer the first token of the corrupting partner's target.
// Both are losses (lower = the clean answer is preferred). The batch value is the SUM over facts; scores
// are divided by the number of facts afterwards (attribute.ts), i.e. EAP-IG's mean over items.
import * as tf from '@tensorflow/tfjs';

export type LocateMetric = 'logit-diff' | 'nll';

/** Sum over rows of the metric from logits [B, T, V]; answers / corruptAnswers are per-row token ids. */
export function metricSum(
  logits: tf.Tensor3D,
  metric: LocateMetric,
  answers: tf.Tensor1D,
  corruptAnswers: tf.Tensor1D,
): tf.Scalar {
  return tf.tidy(() => {
    const [B, T, V] = logits.shape;
    const last = tf.reshape(tf.slice(logits, [0, T - 1, 0], [B, 1, V]), [B, V]); // [B, V]
    const pick = (x: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor1D => tf.sum(tf.mul(x, tf.oneHot(ids, V)), 1); // [B]
    if (metric === 'nll') return tf.neg(tf.sum(pick(tf.logSoftmax(last) as tf.Tensor2D, answers))) as tf.Scalar;
    return tf.neg(tf.sum(tf.sub(pick(last as tf.Tensor2D, answers), pick(last as tf.Tensor2D, corruptAnswers)))) as tf.Scalar;
  });
}

/** Per-row metric values (diagnostics and tests). */
export function metricRows(logits: tf.Tensor3D, metric: LocateMetric, answers: readonly number[], corruptAnswers: readonly number[]): number[] {
  return tf.tidy(() => {
    const B = logits.shape[0];
    const out: number[] = [];
    for (let b = 0; b < B; b++) {
      const row = tf.slice(logits, [b, 0, 0], [1, -1, -1]) as tf.Tensor3D;
      const s = metricSum(row, metric, tf.tensor1d([answers[b]!], 'int32'), tf.tensor1d([corruptAnswers[b]!], 'int32'));
      out.push(s.dataSync()[0]!);
    }
    return out;
  });
}
