// The one registry of metric records. The runner builds its spec schema from it (names, option
// schemas) and uses `higherIsBetter` / `unit` for tables and diffs.
import { distance } from 'fastest-levenshtein';
import { MetricsError } from './errors';
import type { Split } from './splits';

export type DatasetKind = 'counterfact' | 'zsre' | 'ripple' | 'tofu' | 'pistol' | 'mmlu';
export type Aggregation = 'mean' | 'harmonic-mean' | 'flag' | 'max';
export type Unit = 'percent' | 'fraction' | 'entropy-x100' | 'ms' | 'bytes';

export interface MetricRecord {
  readonly name: string;
  readonly version: number;
  readonly description: string;
  readonly higherIsBetter: boolean;
  readonly aggregation: Aggregation;
  /** The probes the metric reads (splits.ts); absent for a measured cost. */
  readonly split?: Split;
  readonly unit: Unit;
  readonly datasetKinds: readonly DatasetKind[];
  /** JSON Schema (draft 2020-12) of the metric's options. */
  readonly optionsSchema: Readonly<Record<string, unknown>>;
  /** Paper equation / reference code the definition follows. */
  readonly source: string;
}

const NO_OPTIONS = { type: 'object', additionalProperties: false, properties: {} } as const;
const EDIT: readonly DatasetKind[] = ['counterfact', 'ripple'];
const UNLEARN: readonly DatasetKind[] = ['tofu', 'pistol'];
const MEMIT_CF = 'MEMIT/AlphaEdit eval_utils_counterfact.py (docs/definitions.md §1.1)';
const TOFU = 'TOFU evaluate_util.py, PISTOL eval_util.py (docs/definitions.md §1.5)';
const UNLEARN_OPTS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    answerPrefix: { type: 'string', default: ' ' },
    maxNewTokens: { type: 'integer', minimum: 1, default: 32 },
    stop: { type: 'array', items: { type: 'string' } },
  },
} as const;
const RANK_OPTS = {
  ...UNLEARN_OPTS,
  properties: { ...UNLEARN_OPTS.properties, topM: { type: 'integer', minimum: 1, default: 100 } },
} as const;

function rec(
  name: string,
  description: string,
  source: string,
  datasetKinds: readonly DatasetKind[],
  more: Partial<Omit<MetricRecord, 'name' | 'description' | 'source' | 'datasetKinds'>> = {},
): MetricRecord {
  return { name, version: 1, description, source, datasetKinds, higherIsBetter: true, aggregation: 'mean', unit: 'percent', optionsSchema: NO_OPTIONS, ...more };
}

const RECORDS: readonly MetricRecord[] = [
  rec('efficacy', 'mean over records of [NLL(new|rewrite) < NLL(true|rewrite)] (ES); ZsRE: token top-1 accuracy on src', MEMIT_CF, [...EDIT, 'zsre'], { split: 'edit' }),
  rec('generalization', 'the same over paraphrase prompts (PS); ZsRE: on rephrase', MEMIT_CF, [...EDIT, 'zsre'], { split: 'paraphrase' }),
  rec('locality', 'mean over neighborhood prompts of [NLL(true) < NLL(new)] (NS); ZsRE: gold loc_ans token accuracy on loc', MEMIT_CF, [...EDIT, 'zsre'], { split: 'neighbourhood' }),
  rec('score', 'harmonic mean of efficacy, generalization, locality', 'MEMIT experiments/summarize.py', [...EDIT, 'zsre'], { aggregation: 'harmonic-mean' }),
  rec('efficacy-magnitude', 'mean e^{-NLL(new)} - e^{-NLL(true)} on rewrite prompts', MEMIT_CF, EDIT, { split: 'edit' }),
  rec('generalization-magnitude', 'the same on paraphrase prompts', MEMIT_CF, EDIT, { split: 'paraphrase' }),
  rec('locality-magnitude', 'mean e^{-NLL(true)} - e^{-NLL(new)} on neighborhood prompts', MEMIT_CF, EDIT, { split: 'neighbourhood' }),
  rec('efficacy-token-acc', 'EasyEdit teacher-forced token accuracy of target_new on rewrite prompts', 'EasyEdit test_prediction_acc (docs/definitions.md §1.2)', EDIT, { split: 'edit' }),
  rec('generalization-token-acc', 'EasyEdit token accuracy on paraphrase prompts', 'EasyEdit test_prediction_acc', EDIT, { split: 'paraphrase' }),
  rec('locality-token-acc', 'token accuracy of the gold target_true on neighborhood prompts', 'EasyEdit test_prediction_acc', EDIT, { split: 'neighbourhood' }),
  rec('fluency', 'n-gram entropy (H2/3 + 2 H3/3, base 2) of generations on generation prompts, x100', 'MEMIT/EasyEdit n_gram_entropy (docs/definitions.md §1.3)', EDIT, {
    split: 'edit',
    unit: 'entropy-x100',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxLength: { type: 'integer', minimum: 1, default: 100 },
        topK: { type: 'integer', minimum: 1, default: 5 },
        seed: { type: 'integer', default: 0 },
        includePrompt: { type: 'boolean', default: true },
      },
    },
  }),
  rec('rouge1-recall', 'ROUGE-1 recall of the greedy answer against the ground truth (rouge_score, stemmed)', TOFU, UNLEARN, { unit: 'fraction', optionsSchema: UNLEARN_OPTS, split: 'forget' }),
  rec('rougeL-recall', 'ROUGE-L (LCS) recall of the greedy answer against the ground truth', TOFU, UNLEARN, { unit: 'fraction', optionsSchema: UNLEARN_OPTS, split: 'forget' }),
  rec('probability', 'product of teacher-forced answer token probabilities', TOFU, UNLEARN, { unit: 'fraction', optionsSchema: UNLEARN_OPTS, split: 'forget' }),
  rec('normalized-probability', 'P(a|q)^(1/|a|)', TOFU, UNLEARN, { unit: 'fraction', optionsSchema: UNLEARN_OPTS, split: 'forget' }),
  rec('mrr', 'mean over answer tokens of 1/rank (teacher-forced ranks)', 'Editing-as-Unlearning §4.1; PISTOL compute_MRR without its bugs', UNLEARN, { unit: 'fraction', optionsSchema: RANK_OPTS, split: 'forget' }),
  rec('top-hit', 'share of answer tokens ranked <= m (teacher-forced)', 'Editing-as-Unlearning §4.1; PISTOL compute_MRR', UNLEARN, { unit: 'fraction', optionsSchema: RANK_OPTS, split: 'forget' }),
  rec('truth-ratio', 'mean max(0, 1 - R), R = geometric-mean P_norm(perturbed) / P_norm(answer)', 'TOFU eval_perturbation_ratio, open-unlearning true_better', ['tofu'], { unit: 'fraction', optionsSchema: UNLEARN_OPTS, split: 'forget' }),
  rec('mc-accuracy', 'multiple-choice accuracy: choice with the highest summed log-probability', 'lm-evaluation-harness acc', ['mmlu'], {
    split: 'general',
    optionsSchema: { type: 'object', additionalProperties: false, properties: { reduce: { enum: ['sum', 'mean'], default: 'sum' } } },
  }),
  rec('collapsed', 'retain ROUGE and retain fluency under thresholds', 'open-unlearning model utility; docs/definitions.md §1.6', UNLEARN, {
    split: 'retain',
    higherIsBetter: false,
    aggregation: 'flag',
    unit: 'fraction',
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rougeMin: { type: 'number', minimum: 0, maximum: 1, default: 0.1 },
        fluencyMin: { type: 'number', minimum: 0, default: 100 },
        mode: { enum: ['all', 'any'], default: 'all' },
      },
    },
  }),
  rec('wall-time', 'wall time of a task', 'ForGet Table 5; docs/definitions.md §3', [...EDIT, 'zsre', ...UNLEARN, 'mmlu'], { higherIsBetter: false, unit: 'ms' }),
  rec('peak-memory', 'peak resident set size during a task (sampled)', 'ForGet Table 5; docs/definitions.md §3', [...EDIT, 'zsre', ...UNLEARN, 'mmlu'], { higherIsBetter: false, aggregation: 'max', unit: 'bytes' }),
];

export const metricRegistry: ReadonlyMap<string, MetricRecord> = new Map(RECORDS.map((r) => [r.name, r]));

export function listMetrics(kind?: DatasetKind): MetricRecord[] {
  return RECORDS.filter((r) => kind === undefined || r.datasetKinds.includes(kind));
}

/** Edit distance (Levenshtein, via fastest-levenshtein), for "did you mean". */
export function editDistance(a: string, b: string): number {
  return distance(a, b);
}

/** Closest registered names (distance ≤ max(2, |name|/3)), best first. */
export function suggestMetric(name: string): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  return RECORDS.map((r) => ({ n: r.name, d: editDistance(lower, r.name.toLowerCase()) }))
    .filter((x) => x.d <= limit)
    .sort((x, y) => x.d - y.d || x.n.localeCompare(y.n))
    .map((x) => x.n);
}

export function getMetric(name: string): MetricRecord {
  const r = metricRegistry.get(name);
  if (r) return r;
  const s = suggestMetric(name);
  const hint = s.length > 0 ? ` Did you mean "${s[0]}"?` : '';
  throw new MetricsError('METRIC_UNKNOWN', `Unknown metric "${name}".${hint} Known metrics: ${RECORDS.map((x) => x.name).join(', ')}.`);
}
