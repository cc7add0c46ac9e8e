// Metric registry entries for unlearning tables (Editing-as-Unlearning §4.1, Table 1): ROUGE-1 recall of
// the greedy answer, the answer's probability (and P^(1/|a|)), MRR and Hit@100 over teacher-forced
// ranks of the answer tokens (docs/definitions.md §1.5), on the forget, retain and rephrased-forget
// splits of the records of adapters/unlearn-datasets.ts (and `general`: a second, factual set, Table 4).
// Every probe metric reads one per-record evaluator, which scores the items of all the splits the
// cell's metrics read in one `unlearningMetrics` call (one Scorer.score and one generate call).
// `unlearn-score` is the paper's 1 − R1(forget) + R1(retain) (Figure 4), `forget-score` and `rephrase-score`
// its 1 − R1 axes (Figures 3, 4), `rephrase-gap` Table 2's "(x↑)"; `unlearn-status` turns
// collapse and no-forgetting into the row's status (thresholds in docs/metrics.md "Unlearning status").
import { getMetric, unlearningMetrics, type Scorer as MetricsScorer, type UnlearningItem, type UnlearningScores } from '@editlab/metrics';
import { probe, type CellRecord, type MetricEntry, type MetricSplit, type RecordEvaluator } from '../registries';
import { RunnerError } from '../errors';
import type { UnlearnData, UnlearnItem } from './unlearn-datasets';

/** The splits of an unlearning record, and where its data holds their items. */
const ITEMS: Partial<Record<MetricSplit, (d: UnlearnData) => readonly UnlearnItem[]>> = {
  forget: (d) => [d.forget],
  retain: (d) => d.retain,
  'rephrased-forget': (d) => d.rephrased,
  general: (d) => d.factual ?? [],
};

/** Per split: the mean of each unlearning score over the record's items of that split (NaN: no items),
 *  and the greedy generations behind ROUGE (read by the refusal-quality metrics, ./refusal-quality.ts). */
export interface UnlearnProbes {
  readonly scores: Partial<Record<MetricSplit, UnlearningScores>>;
  readonly generations: Partial<Record<MetricSplit, readonly string[]>>;
}

const SCORES = ['probability', 'normalizedProbability', 'mrr', 'topHit', 'rouge1Recall', 'rougeLRecall'] as const;

/** Greedy answers stop at the end of the line (the world's QA format puts one answer per line). */
export const GENERATION = { maxNewTokens: 32, stop: ['\n'] } as const;

export function unlearnData(r: CellRecord): UnlearnData {
  const d = r.data as unknown as UnlearnData | null;
  if (!d || d.kind !== 'unlearn') throw new RunnerError('DATA', `unlearning metrics: record ${r.id} is not an unlearning record (use world-tofu, world-pistol or unlearn-file)`);
  return d;
}

/** The one evaluator of unlearning records: every split the cell's metrics read, scored in one call. */
export const UNLEARN_PROBES: RecordEvaluator<UnlearnProbes> = {
  id: 'unlearn-probes',
  async evaluate(s, r, splits) {
    const d = unlearnData(r);
    const parts = [...splits].flatMap((split) => {
      const of = ITEMS[split];
      return of ? [{ split, items: of(d) }] : [];
    });
    const all: UnlearningItem[] = parts.flatMap((p) => p.items.map((it) => ({ prompt: it.prompt, answer: it.answer })));
    const res = await unlearningMetrics(s as unknown as MetricsScorer, all, GENERATION);
    const out: UnlearnProbes = { scores: {}, generations: {} };
    let k = 0;
    for (const p of parts) {
      const items = res.items.slice(k, k + p.items.length);
      k += p.items.length;
      const mean = (f: keyof UnlearningScores) => (items.length ? items.reduce((a, x) => a + x[f], 0) / items.length : Number.NaN);
      out.scores[p.split] = Object.fromEntries(SCORES.map((f) => [f, mean(f)])) as unknown as UnlearningScores;
      out.generations[p.split] = items.map((x) => x.generation);
    }
    return out;
  },
};

/** Column suffix of each split, e.g. rouge1-forget, rouge1-rephrased, rouge1-factual. */
const SUFFIX: Partial<Record<MetricSplit, string>> = { forget: 'forget', retain: 'retain', 'rephrased-forget': 'rephrased', general: 'factual' };
/** Base metrics: entry id prefix, the metrics registry id it implements, the score it reads. */
const BASES = [
  ['rouge1', 'rouge1-recall', 'rouge1Recall'],
  ['prob', 'probability', 'probability'],
  ['prob-norm', 'normalized-probability', 'normalizedProbability'],
  ['mrr', 'mrr', 'mrr'],
  ['hit100', 'top-hit', 'topHit'],
] as const;

function unlearnMetric(prefix: string, base: string, score: keyof UnlearningScores, split: MetricSplit, when: 'before' | 'after' = 'after'): MetricEntry {
  const m = getMetric(base);
  const where = split === 'general' ? 'the factual set (Table 4 locality)' : `the ${split} split`;
  return {
    id: `${prefix}-${SUFFIX[split]}${when === 'before' ? '-before' : ''}`,
    version: '1',
    description: `${m.description}, on ${where}${when === 'before' ? ', before unlearning' : ''} [${m.source}]`,
    // Forgetting lowers forget-side values; the retain and factual sets should keep them.
    higherIsBetter: split === 'retain' || split === 'general',
    scale: 1, digits: 4, split,
    ...(when === 'before' ? { when } : {}),
    probe: probe(UNLEARN_PROBES, (p) => p.scores[split]?.[score] ?? Number.NaN),
  };
}

/** Figure 4's score: 1 − ROUGE-1(forget) + ROUGE-1(retain); 2 is ideal, ~1 is a useless or unchanged model. */
const unlearnScore: MetricEntry = {
  id: 'unlearn-score', version: '1', higherIsBetter: true, scale: 1, digits: 4,
  description: '1 − ROUGE-1 recall(forget) + ROUGE-1 recall(retain) [Editing-as-Unlearning Figure 4]',
  derive: { from: ['rouge1-forget', 'rouge1-retain'], combine: ([f, r]) => 1 - f! + r! },
};

/** Figures 3, 4 (radar) and 6 plot forgetting as 1 − ROUGE-1, "the higher the better" (§4.3). */
const oneMinus = (id: string, from: string, what: string, figure: string): MetricEntry => ({
  id, version: '1', higherIsBetter: true, scale: 1, digits: 4,
  description: `1 − ROUGE-1 recall on ${what} [Editing-as-Unlearning ${figure}]`,
  derive: { from: [from], combine: ([x]) => 1 - x! },
});
const forgetScore = oneMinus('forget-score', 'rouge1-forget', 'the forget set', 'Figures 3, 4: "Forget"');
const rephraseScore = oneMinus('rephrase-score', 'rouge1-rephrased', 'the rephrased forget questions', 'Figure 4 radar: "Rephrase"');

/** Table 2's "(x↑)": how much more of the answer a rephrased question recovers than the question itself. */
const rephraseGap: MetricEntry = {
  id: 'rephrase-gap', version: '1', higherIsBetter: false, scale: 1, digits: 4,
  description: 'ROUGE-1 recall(rephrased forget) − ROUGE-1 recall(forget): what the rephrase attack recovers [Editing-as-Unlearning Table 2, "(x↑)"]',
  derive: { from: ['rouge1-rephrased', 'rouge1-forget'], combine: ([r, f]) => r! - f! },
};

/** Thresholds of the unlearning status (docs/metrics.md "Unlearning status"). */
export const STATUS_THRESHOLDS = {
  /** Retain ROUGE-1 recall below this: the model no longer answers what it should keep ("collapsed"). */
  retainFloor: 0.1,
  /** Forget ROUGE-1 recall above (its value before unlearning − this margin): nothing was forgotten. */
  forgetMargin: 0.05,
} as const;

/** The row's status from its table values: 'collapsed', 'no-forgetting', or undefined (ok). */
export function unlearnVerdict([forget, retain, before]: readonly number[]): 'collapsed' | 'no-forgetting' | undefined {
  if (retain! < STATUS_THRESHOLDS.retainFloor) return 'collapsed';
  if (forget! > before! - STATUS_THRESHOLDS.forgetMargin) return 'no-forgetting';
  return undefined;
}

/** Not a column: sets the row's status when unlearning collapsed the model or forgot nothing (the paper's grey rows). */
const unlearnStatus: MetricEntry = {
  id: 'unlearn-status', version: '1', higherIsBetter: true,
  description: `row status "collapsed" when retain ROUGE-1 < ${STATUS_THRESHOLDS.retainFloor}, else "no-forgetting" when forget ROUGE-1 > its value before unlearning − ${STATUS_THRESHOLDS.forgetMargin} [Editing-as-Unlearning Table 1, grey rows]`,
  derive: { from: ['rouge1-forget', 'rouge1-retain', 'rouge1-forget-before'], combine: () => Number.NaN },
  status: unlearnVerdict,
};

const SPLITS: readonly MetricSplit[] = ['forget', 'retain', 'rephrased-forget', 'general'];

export const UNLEARN_METRICS: readonly MetricEntry[] = [
  ...SPLITS.flatMap((split) => BASES.map(([prefix, base, score]) => unlearnMetric(prefix, base, score, split))),
  ...BASES.map(([prefix, base, score]) => unlearnMetric(prefix, base, score, 'forget', 'before')),
  unlearnScore,
  forgetScore,
  rephraseScore,
  rephraseGap,
  unlearnStatus,
];
