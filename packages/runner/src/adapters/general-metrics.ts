// General capability (ForGet Table 7): multiple-choice accuracy on an MMLU-style set, before and after
// the edits. It is a model-level metric: the runner computes it once per model state (after each edit
// group, or before it for `mc-accuracy-before`) and gives the value to every record of the group
// (exec/cell.ts), so a sequential group of T edits is evaluated once, on the final model. The items
// come from the world's MMLU-style set (its five topics: renderMmlu over facts no benchmark record
// touches) or from real MMLU CSV files (`path`: a file or a directory, the `mmlu-csv` loader).
// Protocol and prompt formats: docs/forget-t6-t8.md.
import { benchmarkView, loadDataset, renderMmlu, type MultipleChoiceItem } from '@editlab/datasets';
import { choiceItem, getMetric, multipleChoiceAccuracy, type ChoiceFormat, type Scorer as MetricsScorer } from '@editlab/metrics';
import type { JsonSchema, MetricEntry } from '../registries';
import { RunnerError } from '../errors';
import type { JsonObject } from '../util/json';
import { malformedError, world, WORLD_PARAMS } from './edit-datasets';

const MC_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    path: {
      type: 'string', minLength: 1,
      description: 'An MMLU CSV file, or a directory of them (`<subject>_test.csv`, header `question,choice0..3,answer` or the headerless A–D original), relative to the spec; default: the world\'s MMLU-style set.',
    },
    subject: {
      type: 'string', minLength: 1,
      description: 'Only this subject\'s items: a world topic (geography, languages, companies, people, culture) or an MMLU file\'s subject (college_chemistry); default: every item.',
    },
    format: {
      enum: ['letters', 'continuation'], default: 'continuation',
      description: 'letters: the MMLU prompt (choices as "A. …" lines, the letters scored, lm-eval `mmlu`); continuation: "Question: q\\nAnswer:" with each choice\'s text scored (lm-eval `mmlu_continuation`), for models that never saw lettered choices.',
    },
    reduce: { enum: ['sum', 'mean'], default: 'sum', description: 'Score of a choice: summed token log-probabilities (lm-eval acc) or their mean.' },
    limit: { type: 'integer', minimum: 1, description: 'At most this many items (the first ones), for quick runs.' },
    ...WORLD_PARAMS,
  },
};

const items = new Map<string, readonly MultipleChoiceItem[]>();

/** The world's MMLU-style items, one subject per topic (ids `<topic>:<i>`). */
function worldItems(params: JsonObject): MultipleChoiceItem[] {
  return [...renderMmlu(benchmarkView(world(params)))].sort(([a], [b]) => a.localeCompare(b)).flatMap(([topic, list]) =>
    list.map((q, i): MultipleChoiceItem => ({
      kind: 'mc', source: 'mmlu-csv', version: 1, id: `${topic}:${i}`, question: q.question,
      choices: q.choices as unknown as MultipleChoiceItem['choices'], answerIndex: q.answer, subject: topic,
    })));
}

/** The items a metric item asks about (loaded once per process and params); a missing subject is a DATA error. */
export function choiceItems(params: JsonObject): readonly MultipleChoiceItem[] {
  const key = JSON.stringify(params);
  let out = items.get(key);
  if (!out) {
    const path = params['path'] !== undefined ? String(params['path']) : undefined;
    let all: MultipleChoiceItem[];
    if (path !== undefined) {
      const loaded = loadDataset(path, { format: 'mmlu-csv' });
      if (loaded.malformed.length) throw malformedError(loaded, path);
      all = loaded.records.filter((r): r is MultipleChoiceItem => r.kind === 'mc');
    } else all = worldItems(params);
    const subject = params['subject'] !== undefined ? String(params['subject']) : undefined;
    const chosen = subject === undefined ? all : all.filter((q) => q.subject === subject);
    if (!chosen.length) {
      const subjects = [...new Set(all.map((q) => q.subject))].sort();
      throw new RunnerError('DATA', `mc-accuracy: no items of subject '${subject}' in ${path ?? 'the world\'s MMLU-style set'} (subjects: ${subjects.join(', ')})`);
    }
    out = params['limit'] !== undefined ? chosen.slice(0, Number(params['limit'])) : chosen;
    items.set(key, out);
  }
  return out;
}

function mcEntry(when: 'before' | 'after'): MetricEntry {
  const m = getMetric('mc-accuracy');
  return {
    id: when === 'before' ? 'mc-accuracy-before' : 'mc-accuracy', version: `${m.version}.1`,
    description: `${m.description}, on an MMLU-style set (the world's or MMLU CSV files), once per model state${when === 'before' ? ', before the edits' : ', after the edits'} [${m.source}; docs/forget-t6-t8.md]`,
    higherIsBetter: true, scale: 1, digits: 2, split: 'general', paramsSchema: MC_SCHEMA, paths: { path: 'any' },
    ...(when === 'before' ? { when } : {}),
    async model(scorer, params) {
      const format = (params['format'] ?? 'continuation') as ChoiceFormat;
      const reduce = (params['reduce'] ?? 'sum') as 'sum' | 'mean';
      return (await multipleChoiceAccuracy(scorer as unknown as MetricsScorer, choiceItems(params).map((q) => choiceItem(q, format)), { reduce })).accuracy;
    },
  };
}

export const GENERAL_METRICS: readonly MetricEntry[] = [mcEntry('after'), mcEntry('before')];

