// ZsRE metrics under the MEMIT/AlphaEdit protocol (REFERENCE-editing §2c,
// `eval_utils_zsre.py::compute_rewrite_quality_zsre`, `dsets/zsre.py`): token-level top-1 accuracy
// of the target given the prompt and the target's own prefix (teacher forced), ×100.
import { tokenAccuracy } from './counterfact';
import { badInput } from './errors';
import { scoreAll } from './nll';
import type { ScoreRequest, Scorer } from './scorer';
import { mean, spaced } from './stats';

export interface ZsreCase {
  readonly src: string;
  readonly rephrase: string;
  /** The new target. MEMIT uses `answers[0]`, EasyEdit uses `alt`: the caller picks and records which. */
  readonly target: string;
  readonly loc: string;
  readonly locAns: string;
}

export interface ZsreRecordResult {
  readonly efficacy: number;
  readonly generalization: number;
  readonly locality: number;
}

export interface ZsreSummary extends ZsreRecordResult {
  readonly records: readonly ZsreRecordResult[];
}

const METRIC = 'zsre';

/**
 * MEMIT appends "?" to `loc` (dsets/zsre.py); not doubled when the question already has one, and not
 * added to a prompt already in a QA format that ends with its answer cue ("…\nAnswer:").
 */
export function locPrompt(loc: string): string {
  const t = loc.trimEnd();
  return t.endsWith('?') || t.endsWith(':') ? loc : `${loc}?`;
}

/** Efficacy on src, generalization on rephrase, locality of the gold loc_ans on loc, in percent. */
export async function zsreMetrics(scorer: Scorer, cases: readonly ZsreCase[]): Promise<ZsreSummary> {
  cases.forEach((c, i) => {
    if (c.target.trim() === '') badInput(METRIC, i, 'target', 'is empty');
    if (c.locAns.trim() === '') badInput(METRIC, i, 'loc_ans', 'is empty');
  });
  const reqs: ScoreRequest[] = cases.flatMap((c) => [
    { prompt: c.src, continuation: spaced(c.target) },
    { prompt: c.rephrase, continuation: spaced(c.target) },
    { prompt: locPrompt(c.loc), continuation: spaced(c.locAns) },
  ]);
  const rows = await scoreAll(scorer, METRIC, reqs);
  const records = cases.map((_, i) => ({
    efficacy: tokenAccuracy(rows[3 * i]!),
    generalization: tokenAccuracy(rows[3 * i + 1]!),
    locality: tokenAccuracy(rows[3 * i + 2]!),
  }));
  return {
    efficacy: 100 * mean(records.map((r) => r.efficacy)),
    generalization: 100 * mean(records.map((r) => r.generalization)),
    locality: 100 * mean(records.map((r) => r.locality)),
    records,
  };
}
