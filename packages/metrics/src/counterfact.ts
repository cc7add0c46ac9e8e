// CounterFact metrics under the MEMIT/AlphaEdit protocol (docs/definitions.md §1.1,
// AlphaEdit `experiments/py/eval_utils_counterfact.py`, `experiments/summarize.py`), plus the
// EasyEdit teacher-forced token-accuracy variant (docs/definitions.md §1.2, `test_prediction_acc`).
import { badInput } from './errors';
import { meanNll, scoreAll } from './nll';
import type { ScoreRequest, Scorer, TokenScore } from './scorer';
import { EDIT_SPLITS, type Split } from './splits';
import { harmonicMean, mean, spaced } from './stats';

/** One CounterFact request with its prompts already formatted with the subject. */
export interface CounterFactCase {
  readonly rewritePrompts: readonly string[];
  readonly paraphrasePrompts: readonly string[];
  readonly neighborhoodPrompts: readonly string[];
  readonly targetNew: string;
  readonly targetTrue: string;
  readonly generationPrompts?: readonly string[];
}

/** Per-record values, each a fraction in [0,1] (NaN when the record has no prompt of that kind). */
export interface CounterFactRecordResult {
  /** mean over rewrite prompts of [NLL(new) < NLL(true)] (ES). */
  readonly efficacy: number;
  /** the same over paraphrase prompts (PS). */
  readonly generalization: number;
  /** mean over neighborhood prompts of [NLL(true) < NLL(new)] (NS). */
  readonly locality: number;
  /** MEMIT `*_diff`: mean(e^{−NLL(new)} − e^{−NLL(true)}); reversed for neighborhoods. */
  readonly efficacyMagnitude: number;
  readonly generalizationMagnitude: number;
  readonly localityMagnitude: number;
  /** EasyEdit token accuracy: mean_t [target_new token is top-1] (rewrite_acc / rephrase_acc). */
  readonly efficacyTokenAcc: number;
  readonly generalizationTokenAcc: number;
  /** Token accuracy of target_true on the neighborhood prompts, against the gold target. */
  readonly localityTokenAcc: number;
}

/** Aggregates in percent (means over records that have prompts of that kind), as the papers report. */
export interface CounterFactSummary extends CounterFactRecordResult {
  /** harmonic mean of efficacy, generalization, locality (MEMIT `post_score`). */
  readonly score: number;
  readonly records: readonly CounterFactRecordResult[];
}

const METRIC = 'counterfact';

/** Share of teacher-forced tokens ranked first (EasyEdit `test_prediction_acc`; ties count as top-1). */
export function tokenAccuracy(tokens: readonly TokenScore[]): number {
  if (tokens.length === 0) return Number.NaN;
  return tokens.filter((t) => t.rank === 1).length / tokens.length;
}

interface PromptPair {
  readonly nllNew: number;
  readonly nllTrue: number;
  readonly accNew: number;
  readonly accTrue: number;
}

function validate(cases: readonly CounterFactCase[]): void {
  cases.forEach((c, i) => {
    if (c.targetNew.trim() === '') badInput(METRIC, i, 'target_new', 'is empty');
    if (c.targetTrue.trim() === '') badInput(METRIC, i, 'target_true', 'is empty');
    if (c.rewritePrompts.length === 0) badInput(METRIC, i, 'rewrite_prompts', 'has no prompt');
  });
}

/** The prompts of each split of a record, in scoring order; a split not asked for has none. */
function promptSets(c: CounterFactCase, splits: ReadonlySet<Split>): readonly (readonly string[])[] {
  const pick = (split: Split, prompts: readonly string[]) => (splits.has(split) ? prompts : []);
  return [pick('edit', c.rewritePrompts), pick('paraphrase', c.paraphrasePrompts), pick('neighbourhood', c.neighborhoodPrompts)];
}

/** Score "p target_new" and "p target_true" for every prompt of the asked splits of every record, in one batch. */
async function scorePairs(scorer: Scorer, cases: readonly CounterFactCase[], splits: ReadonlySet<Split>): Promise<PromptPair[][][]> {
  const reqs: ScoreRequest[] = [];
  for (const c of cases) {
    for (const prompts of promptSets(c, splits)) {
      for (const p of prompts) {
        reqs.push({ prompt: p, continuation: spaced(c.targetNew) }, { prompt: p, continuation: spaced(c.targetTrue) });
      }
    }
  }
  const rows = await scoreAll(scorer, METRIC, reqs);
  let k = 0;
  return cases.map((c) =>
    promptSets(c, splits).map((prompts) =>
      prompts.map(() => {
        const nw = rows[k++]!;
        const tr = rows[k++]!;
        return { nllNew: meanNll(nw), nllTrue: meanNll(tr), accNew: tokenAccuracy(nw), accTrue: tokenAccuracy(tr) };
      }),
    ),
  );
}

const success = (ps: readonly PromptPair[], wantNew: boolean) =>
  mean(ps.map((p) => (wantNew ? p.nllNew < p.nllTrue : p.nllTrue < p.nllNew) ? 1 : 0));
const magnitude = (ps: readonly PromptPair[], wantNew: boolean) =>
  mean(ps.map((p) => (wantNew ? 1 : -1) * (Math.exp(-p.nllNew) - Math.exp(-p.nllTrue))));

/**
 * Per-record and aggregate CounterFact metrics of the model behind `scorer`, in one scoring call.
 * `splits` limits the probes scored (edit = rewrite prompts, paraphrase, neighbourhood); the values
 * of a split left out are NaN.
 */
export async function counterfactMetrics(scorer: Scorer, cases: readonly CounterFactCase[], splits: ReadonlySet<Split> = EDIT_SPLITS): Promise<CounterFactSummary> {
  validate(cases);
  const pairs = await scorePairs(scorer, cases, splits);
  const records: CounterFactRecordResult[] = pairs.map(([rw = [], para = [], nb = []]) => ({
    efficacy: success(rw, true),
    generalization: success(para, true),
    locality: success(nb, false),
    efficacyMagnitude: magnitude(rw, true),
    generalizationMagnitude: magnitude(para, true),
    localityMagnitude: magnitude(nb, false),
    efficacyTokenAcc: mean(rw.map((p) => p.accNew)),
    generalizationTokenAcc: mean(para.map((p) => p.accNew)),
    localityTokenAcc: mean(nb.map((p) => p.accTrue)),
  }));
  const pct = (key: keyof CounterFactRecordResult) =>
    100 * mean(records.map((r) => r[key]).filter((x) => !Number.isNaN(x)));
  const efficacy = pct('efficacy');
  const generalization = pct('generalization');
  const locality = pct('locality');
  return {
    efficacy,
    generalization,
    locality,
    score: harmonicMean([efficacy, generalization, locality]),
    efficacyMagnitude: pct('efficacyMagnitude'),
    generalizationMagnitude: pct('generalizationMagnitude'),
    localityMagnitude: pct('localityMagnitude'),
    efficacyTokenAcc: pct('efficacyTokenAcc'),
    generalizationTokenAcc: pct('generalizationTokenAcc'),
    localityTokenAcc: pct('localityTokenAcc'),
    records,
  };
}
