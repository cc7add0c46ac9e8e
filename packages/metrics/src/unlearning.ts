// Unlearning metrics of the Editing-as-Unlearning paper (§4.1: ROUGE-1 recall, probability, MRR,
// top-hit ratio), with TOFU/PISTOL code as the reference (docs/definitions.md §1.5).
// Ranks are TEACHER-FORCED: rank_t is the 1-based rank of the gold token a_t among the vocabulary
// given q and the gold prefix a_<t. PISTOL's `compute_MRR` instead ranks on the model's own greedy
// generation steps (zero logits after an early stop) and appends the cumulative list every batch,
// over-weighting early batches; neither is reproduced: every item counts once.
import { badInput, MetricsError } from './errors';
import { meanNll, scoreAll, sumLogprob } from './nll';
import { rouge } from './rouge';
import type { Scorer, TokenScore } from './scorer';
import { mean } from './stats';

export interface UnlearningItem {
  /** The question, already in the model's prompt format. */
  readonly prompt: string;
  /** Ground-truth answer (scored as answerPrefix + answer). */
  readonly answer: string;
  /** Base answer of the truth ratio (TOFU uses paraphrased_answer on forget/retain); default answer. */
  readonly paraphrasedAnswer?: string;
  /** Perturbed (wrong) answers for the truth ratio. */
  readonly perturbed?: readonly string[];
}

export interface UnlearningOptions {
  /** Top-hit threshold m: a token hits when its rank ≤ m (paper: 100). */
  readonly topM?: number;
  /** Text between the prompt and the scored answer (default " "). */
  readonly answerPrefix?: string;
  /** Greedy generation length for ROUGE (default 32 new tokens). */
  readonly maxNewTokens?: number;
  readonly stop?: readonly string[];
  /** Skip generation and ROUGE (NaN) when false. Default true. */
  readonly rouge?: boolean;
}

/** Per-item values; summaries are their means over items. */
export interface UnlearningScores {
  /** Π_t p(a_t | q, a_<t) (paper's "Probability"; TOFU exp(−gt_loss), without EOS). */
  readonly probability: number;
  /** P^(1/|a|) = exp(−mean NLL) (TOFU/open-unlearning `Q_A_Prob`). */
  readonly normalizedProbability: number;
  /** (1/|a|) Σ_t 1/rank_t. */
  readonly mrr: number;
  /** (1/|a|) Σ_t [rank_t ≤ m]. */
  readonly topHit: number;
  readonly rouge1Recall: number;
  readonly rougeLRecall: number;
}

export interface UnlearningItemResult extends UnlearningScores {
  /** TOFU stored truth_ratio R = exp(L̄_base − mean_j L̄_pert,j) = P̄_pert,geo / P̄_base (NaN without perturbed). */
  readonly truthRatio: number;
  readonly generation: string;
}

export interface UnlearningSummary extends UnlearningScores {
  /** open-unlearning "true_better": mean max(0, 1 − R) (retain-style; higher = knows the truth). */
  readonly truthRatioTrueBetter: number;
  /** open-unlearning "closer_to_1_better": mean min(R, 1/R) (forget-style). */
  readonly truthRatioCloserTo1: number;
  readonly items: readonly UnlearningItemResult[];
}

const METRIC = 'unlearning';

/** Reciprocal-rank and hit statistics of teacher-forced answer tokens. */
export function rankStats(tokens: readonly TokenScore[], topM = 100): { mrr: number; topHit: number } {
  if (tokens.length === 0) return { mrr: Number.NaN, topHit: Number.NaN };
  return {
    mrr: mean(tokens.map((t) => 1 / t.rank)),
    topHit: mean(tokens.map((t) => (t.rank <= topM ? 1 : 0))),
  };
}

function checkOptions(o: UnlearningOptions): void {
  const m = o.topM ?? 100;
  if (!Number.isInteger(m) || m < 1) throw new MetricsError('METRIC_BAD_OPTIONS', `${METRIC}: option topM must be a positive integer, got ${m}`);
}

/** All unlearning metrics of `items` on the model behind `scorer`; summaries are means over items. */
export async function unlearningMetrics(
  scorer: Scorer,
  items: readonly UnlearningItem[],
  opts: UnlearningOptions = {},
): Promise<UnlearningSummary> {
  checkOptions(opts);
  const pre = opts.answerPrefix ?? ' ';
  items.forEach((it, i) => {
    if (it.answer.trim() === '') badInput(METRIC, i, 'answer', 'is empty');
    (it.perturbed ?? []).forEach((p, j) => p.trim() === '' && badInput(METRIC, i, `perturbed[${j}]`, 'is empty'));
  });
  const reqs = items.flatMap((it) => [
    { prompt: it.prompt, continuation: pre + it.answer },
    { prompt: it.prompt, continuation: pre + (it.paraphrasedAnswer ?? it.answer) },
    ...(it.perturbed ?? []).map((p) => ({ prompt: it.prompt, continuation: pre + p })),
  ]);
  const rows = await scoreAll(scorer, METRIC, reqs);
  const gens = opts.rouge === false || items.length === 0
    ? items.map(() => '')
    : await scorer.generate(items.map((it) => it.prompt), { maxNewTokens: opts.maxNewTokens ?? 32, stop: opts.stop });
  let k = 0;
  const results: UnlearningItemResult[] = items.map((it, i) => {
    const ans = rows[k++]!;
    const base = rows[k++]!;
    const pert = (it.perturbed ?? []).map(() => rows[k++]!);
    const gen = (gens[i] ?? '').trim();
    const r = opts.rouge === false ? undefined : rouge(it.answer, gen);
    return {
      probability: Math.exp(sumLogprob(ans)),
      normalizedProbability: Math.exp(-meanNll(ans)),
      ...rankStats(ans, opts.topM ?? 100),
      rouge1Recall: r ? r.rouge1.recall : Number.NaN,
      rougeLRecall: r ? r.rougeL.recall : Number.NaN,
      truthRatio: pert.length === 0 ? Number.NaN : Math.exp(meanNll(base) - mean(pert.map(meanNll))),
      generation: gen,
    };
  });
  const agg = (f: (r: UnlearningItemResult) => number) => mean(results.map(f).filter((x) => !Number.isNaN(x)));
  return {
    probability: agg((r) => r.probability),
    normalizedProbability: agg((r) => r.normalizedProbability),
    mrr: agg((r) => r.mrr),
    topHit: agg((r) => r.topHit),
    rouge1Recall: agg((r) => r.rouge1Recall),
    rougeLRecall: agg((r) => r.rougeLRecall),
    truthRatioTrueBetter: agg((r) => Math.max(0, 1 - r.truthRatio)),
    truthRatioCloserTo1: agg((r) => Math.min(r.truthRatio, 1 / r.truthRatio)),
    items: results,
  };
}
