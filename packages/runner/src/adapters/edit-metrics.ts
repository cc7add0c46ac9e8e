// Metric registry entries for editing tables, over @editlab/metrics. `data` is the canonical
// EditRecord (adapters/edit-datasets.ts). Every probe metric reads the one per-record evaluator of
// editing records (`evaluateEditRecord`): it scores the record's rewrite, paraphrase and
// neighbourhood probes that the cell's metrics need in one Scorer call, as MEMIT/AlphaEdit do for
// CounterFact/RippleEdits records (probability comparisons of target_new vs target_true) and by
// teacher-forced token accuracy for ZsRE records (docs/definitions.md §1.2, §1.4). The definitions, ids and
// sources come from the metrics registry.
import type { EditRecord } from '@editlab/datasets';
import {
  evaluateEditRecord, familySide, fluency, getMetric, harmonicMean, LOCALITY_FAMILIES, PORTABILITY_FAMILIES,
  type CounterFactRecordResult, type EditProbes, type KnowEditRecordResult, type Scorer as MetricsScorer, type ZsreRecordResult,
} from '@editlab/metrics';
import { probe, type CellRecord, type JsonSchema, type MetricEntry, type RecordEvaluator, type Scorer } from '../registries';
import { RunnerError } from '../errors';
import type { JsonObject } from '../util/json';

const editRecord = (r: CellRecord, metric: string): EditRecord => {
  const d = r.data as unknown as EditRecord | null;
  if (!d || d.kind !== 'edit') throw new RunnerError('DATA', `metric ${metric}: record ${r.id} is not an editing record (use it with an editing dataset)`);
  return d;
};
const asMetrics = (s: Scorer) => s as unknown as MetricsScorer;

/** The one evaluator of editing records: all their probe metrics read its result. */
export const EDIT_PROBES: RecordEvaluator<EditProbes> = {
  id: 'edit-probes',
  evaluate: (s, r, splits) => evaluateEditRecord(asMetrics(s), editRecord(r, 'edit-probes'), splits),
};

type CfKey = keyof CounterFactRecordResult;
type ZsKey = keyof ZsreRecordResult;
type KeKey = Exclude<keyof KnowEditRecordResult, 'families'>;

/** One per-record value of the CounterFact protocol (or the ZsRE / KnowEdit one for those records, where defined). */
function editValue(p: EditProbes, r: CellRecord, cf: CfKey, zs: ZsKey | undefined, metric: string): number {
  if (p.format === 'counterfact') return p.values[cf];
  if (!zs) throw new RunnerError('DATA', `metric ${metric} is defined for CounterFact-style records, not ${p.format === 'zsre' ? 'ZsRE' : 'KnowEdit/RippleEdits'} (record ${r.id})`);
  return p.format === 'zsre' ? p.values[zs] : p.values[zs as KeKey];
}

function schemaOf(id: string): JsonSchema {
  return getMetric(id).optionsSchema as JsonSchema;
}

function percent(id: string, cf: CfKey, zs?: ZsKey, when: 'before' | 'after' = 'after'): MetricEntry {
  const m = getMetric(id);
  return {
    id: when === 'before' ? `${id}-before` : id, version: String(m.version),
    description: `${m.description}${when === 'before' ? ', on the model before the edit' : ''} [${m.source}]`, higherIsBetter: m.higherIsBetter,
    scale: 100, digits: 2, paramsSchema: schemaOf(id), split: m.split,
    ...(when === 'before' ? { when } : {}),
    probe: probe(EDIT_PROBES, (p, r) => editValue(p, r, cf, zs, id)),
  };
}

/** The tiny default models hold 64 positions: fluency generations stop there (MEMIT uses 100). */
const FLUENCY_SCHEMA: JsonSchema = (() => {
  const s = schemaOf('fluency') as { properties: Record<string, JsonSchema> };
  return { ...s, properties: { ...s.properties, maxLength: { ...s.properties['maxLength'], default: 64 } } } as JsonSchema;
})();

const fluencyEntry: MetricEntry = {
  id: 'fluency', version: `${getMetric('fluency').version}.1`,
  description: `${getMetric('fluency').description} [${getMetric('fluency').source}]; records without generation prompts (ZsRE) generate from their rewrite prompt`,
  higherIsBetter: true, scale: 1, digits: 2, paramsSchema: FLUENCY_SCHEMA, split: 'edit',
  async evaluate(s, r, p: JsonObject) {
    const rec = editRecord(r, 'fluency');
    const prompts = rec.generationPrompts.length ? rec.generationPrompts : [rec.prompt];
    const opts = { maxLength: Number(p['maxLength'] ?? 64), topK: Number(p['topK'] ?? 5), seed: Number(p['seed'] ?? 0), includePrompt: p['includePrompt'] !== false };
    return (await fluency(asMetrics(s), prompts, opts)).fluency;
  },
};

const score: MetricEntry = {
  id: 'score', version: String(getMetric('score').version), description: `${getMetric('score').description} [${getMetric('score').source}]`,
  higherIsBetter: true, scale: 100, digits: 2, paramsSchema: schemaOf('score'),
  derive: { from: ['efficacy', 'generalization', 'locality'], combine: (v) => harmonicMean(v) },
};

/** Thresholds of the editing status (docs/metrics.md "Editing status"). */
export const EDIT_STATUS_THRESHOLDS = {
  /** Locality lost by the edit (its value before − after, 0–1) above this: the edit broke unrelated facts ("collapsed"). */
  localityDrop: 0.5,
  /** Fluency (n-gram entropy ×100) below this: degenerate, repetitive text ("collapsed"); the metrics'
   *  collapse flag's default floor (packages/metrics/src/collapse.ts). */
  fluencyFloor: 100,
} as const;

/** The row's status from its table values [locality, locality-before, fluency]: 'collapsed' or undefined (ok). */
export function editVerdict([locality, before, fluency]: readonly number[]): 'collapsed' | undefined {
  if (before! - locality! > EDIT_STATUS_THRESHOLDS.localityDrop) return 'collapsed';
  if (fluency! < EDIT_STATUS_THRESHOLDS.fluencyFloor) return 'collapsed';
  return undefined;
}

/** Not a column: sets an editing row's status to "collapsed" when the edited model lost most of its locality or writes degenerate text. */
const editStatus: MetricEntry = {
  id: 'edit-status', version: '1', higherIsBetter: true,
  description: `row status "collapsed" when locality falls more than ${100 * EDIT_STATUS_THRESHOLDS.localityDrop} points below its value before the edit, or fluency is below ${EDIT_STATUS_THRESHOLDS.fluencyFloor} [docs/metrics.md "Editing status"]`,
  derive: { from: ['locality', 'locality-before', 'fluency'], combine: () => Number.NaN },
  status: editVerdict,
};

const FAMILIES = { portability: PORTABILITY_FAMILIES, locality: LOCALITY_FAMILIES } as const;

/**
 * One RippleEdits family's token accuracy on KnowEdit/RippleEdits records (ForGet Table 6's extra
 * columns; the family → side mapping: docs/forget-t6-t8.md). A record without a probe of the family has
 * no value: the column is the mean over the records that have one.
 */
function familyEntry(side: 'portability' | 'locality'): MetricEntry {
  const id = `${side}-family`;
  return {
    id, version: '1', higherIsBetter: true, scale: 100, digits: 2, optional: true,
    split: side === 'portability' ? 'paraphrase' : 'neighbourhood',
    description: `token accuracy of one RippleEdits ${side} family (params.family) on KnowEdit/RippleEdits records, mean over the records that have it [KnowEdit, EasyEdit test_prediction_acc; docs/forget-t6-t8.md]`,
    paramsSchema: {
      type: 'object', additionalProperties: false, required: ['family'],
      properties: { family: { enum: [...FAMILIES[side]], description: `The ${side} family (RippleEdits / KnowEdit name).` } },
    },
    probe: probe(EDIT_PROBES, (p, r, params) => {
      if (p.format !== 'knowedit') throw new RunnerError('DATA', `metric ${id} reads KnowEdit/RippleEdits records, not ${p.format} (record ${r.id})`);
      const family = String(params['family']);
      return familySide(family) === side ? (p.values.families[family] ?? Number.NaN) : Number.NaN;
    }),
  };
}

export const EDIT_METRICS: readonly MetricEntry[] = [
  percent('efficacy', 'efficacy', 'efficacy'),
  percent('generalization', 'generalization', 'generalization'),
  percent('locality', 'locality', 'locality'),
  score,
  percent('efficacy-magnitude', 'efficacyMagnitude'),
  percent('generalization-magnitude', 'generalizationMagnitude'),
  percent('locality-magnitude', 'localityMagnitude'),
  percent('efficacy-token-acc', 'efficacyTokenAcc', 'efficacy'),
  percent('generalization-token-acc', 'generalizationTokenAcc', 'generalization'),
  percent('locality-token-acc', 'localityTokenAcc', 'locality'),
  fluencyEntry,
  percent('locality', 'locality', 'locality', 'before'),
  editStatus,
  familyEntry('portability'),
  familyEntry('locality'),
];
