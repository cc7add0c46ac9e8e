// Multiple-choice accuracy in the MMLU format (general capability, ForGet Table 7): the predicted
// choice is the one with the highest SUM of continuation log-probabilities — lm-evaluation-harness
// `acc` (its `loglikelihood` request). The sum is the likelihood of the whole choice; with MMLU's
// single-token letter choices (" A" … " D") sum and mean coincide. `mean` (per-token, closer to
// lm-eval `acc_norm`) is an option for free-text choices of different lengths.
import { badInput, MetricsError } from './errors';
import { scoreAll, sumLogprob } from './nll';
import type { Scorer } from './scorer';
import { mean } from './stats';

export interface ChoiceItem {
  readonly prompt: string;
  /** Continuations scored after the prompt (callers include any leading space). */
  readonly choices: readonly string[];
  /** Index of the correct choice. */
  readonly answer: number;
}

export interface ChoiceOptions {
  readonly reduce?: 'sum' | 'mean';
}

/** Accuracy in percent and the predicted index per item; ties go to the lowest index (argmax). */
export async function multipleChoiceAccuracy(
  scorer: Scorer,
  items: readonly ChoiceItem[],
  opts: ChoiceOptions = {},
): Promise<{ readonly accuracy: number; readonly predictions: readonly number[] }> {
  const reduce = opts.reduce ?? 'sum';
  if (reduce !== 'sum' && reduce !== 'mean') throw new MetricsError('METRIC_BAD_OPTIONS', `mmlu: option reduce must be "sum" or "mean", got "${String(reduce)}"`);
  items.forEach((it, i) => {
    if (it.choices.length < 2) badInput('mmlu', i, 'choices', 'needs at least two choices');
    if (!Number.isInteger(it.answer) || it.answer < 0 || it.answer >= it.choices.length) {
      badInput('mmlu', i, 'answer', `must be a choice index in 0..${it.choices.length - 1}, got ${it.answer}`);
    }
  });
  const rows = await scoreAll(scorer, 'mmlu', items.flatMap((it) => it.choices.map((c) => ({ prompt: it.prompt, continuation: c }))));
  let k = 0;
  const predictions = items.map((it) => {
    let best = 0;
    let bestVal = Number.NEGATIVE_INFINITY;
    it.choices.forEach((_, j) => {
      const toks = rows[k++]!;
      const v = toks.length === 0 ? Number.NEGATIVE_INFINITY : reduce === 'sum' ? sumLogprob(toks) : sumLogprob(toks) / toks.length;
      if (v > bestVal) {
        bestVal = v;
        best = j;
      }
    });
    return best;
  });
  return { accuracy: 100 * mean(predictions.map((p, i) => (p === items[i]!.answer ? 1 : 0))), predictions };
}
