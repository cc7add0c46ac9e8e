// ZsRE metrics under the MEMIT/AlphaEdit protocol (docs/definitions.md §1.4,
// `eval_utils_zsre.py::compute_rewrite_quality_zsre`, `dsets/zsre.py`): token-level top-1 accuracy
// of the target given the prompt and the target's own prefix (teacher forced), ×100.
import { tokenAccuracy } from './counterfact';
import { badInput } from './errors';
import { scoreAll } from './nll';
import type { ScoreRequest, Scorer } from './scorer';
import { EDIT_SPLITS, type Split } from './splits';
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

/**
 * Efficacy on src, generalization on rephrase, locality of the gold loc_ans on loc, in percent, in
 * one scoring call. `splits` limits the probes scored (edit = src, paraphrase = rephrase,
 * neighbourhood = loc); the values of a split left out are NaN.
 */
export async function zsreMetrics(scorer: Scorer, cases: readonly ZsreCase[], splits: ReadonlySet<Split> = EDIT_SPLITS): Promise<ZsreSummary> {
  cases.forEach((c, i) => {
    if (c.target.trim() === '') badInput(METRIC, i, 'target', 'is empty');
    if (c.locAns.trim() === '') badInput(METRIC, i, 'loc_ans', 'is empty');
  });
  const probes = (c: ZsreCase): (ScoreRequest | undefined)[] => [
    splits.has('edit') ? { prompt: c.src, continuation: spaced(c.target) } : undefined,
    splits.has('paraphrase') ? { prompt: c.rephrase, continuation: spaced(c.target) } : undefined,
    splits.has('neighbourhood') ? { prompt: locPrompt(c.loc), continuation: spaced(c.locAns) } : undefined,
  ];
  const reqs = cases.flatMap((c) => probes(c).filter((r): r is ScoreRequest => r !== undefined));
  const rows = await scoreAll(scorer, METRIC, reqs);
  let k = 0;
  const records = cases.map((c) => {
    const [efficacy, generalization, locality] = probes(c).map((r) => (r ? tokenAccuracy(rows[k++]!) : Number.NaN));
    return { efficacy: efficacy!, generalization: generalization!, locality: locality! };
  });
  return {
    efficacy: 100 * mean(records.map((r) => r.efficacy)),
    generalization: 100 * mean(records.map((r) => r.generalization)),
    locality: 100 * mean(records.map((r) => r.locality)),
    records,
  };
}
