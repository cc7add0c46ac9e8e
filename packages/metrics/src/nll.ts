// Teacher-forced per-token quantities over a Scorer (scorer.ts).
import { MetricsError } from './errors';
import type { ScoreRequest, Scorer, TokenScore } from './scorer';

/**
 * NLL(y|p) = (1/|y|) Σ_j −log p(y_j | p, y_<j): MEMIT/AlphaEdit `eval_utils_counterfact.py`
 * (per-token mean, docs/definitions.md §1.1). An empty continuation has no tokens: Infinity.
 */
export function meanNll(tokens: readonly TokenScore[]): number {
  if (tokens.length === 0) return Number.POSITIVE_INFINITY;
  let s = 0;
  for (const t of tokens) s -= t.logprob;
  return s / tokens.length;
}

/** Σ_t log p(a_t | q, a_<t) (0 for an empty answer). */
export function sumLogprob(tokens: readonly TokenScore[]): number {
  let s = 0;
  for (const t of tokens) s += t.logprob;
  return s;
}

/** Score requests and check the Scorer returned one row per request. */
export async function scoreAll(scorer: Scorer, metric: string, reqs: readonly ScoreRequest[]): Promise<TokenScore[][]> {
  if (reqs.length === 0) return [];
  const rows = await scorer.score(reqs);
  if (rows.length !== reqs.length) {
    throw new MetricsError('METRIC_SCORER', `${metric}: the scorer returned ${rows.length} rows for ${reqs.length} requests`);
  }
  return rows;
}
