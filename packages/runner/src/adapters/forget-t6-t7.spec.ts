// ForGet Tables 6–7 in the runner (docs/forget-t6-t8.md), on scorers set by hand (fast): mc-accuracy is a model-level metric
// (once per model state, before and after a sequential group, its value every record's), over the
// world's MMLU-style topics or real MMLU CSVs (../shared/data); the RippleEdits family columns
// aggregate the records that have the family and are no divergence where a record lacks it.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tableScorer } from '@editlab/metrics';
import type { CellEditor, CellRecord, LoadedModel, Scorer } from '../registries';
import { runCell, type BoundMetric } from '../exec/cell';
import { columnValues } from '../report/intervals';
import { defaultRegistries } from '../defaults';
import { checkSpec } from '../experiment';
import { tmpWorkspace } from '../testing/tmp';
import { haveShared, SHARED, testCtx as ctx } from '../testing/default-model';
import { GENERAL_METRICS, choiceItems } from './general-metrics';
import { EDIT_METRICS } from './edit-metrics';
import { editFile, worldCounterfact, worldKnowEdit } from './edit-datasets';
import { EDIT_PROBES } from './edit-metrics';
import { familySide } from '@editlab/metrics';

const entry = (id: string) => [...GENERAL_METRICS, ...EDIT_METRICS].find((m) => m.id === id)!;
const bind = (id: string, column: string, params: Record<string, string | number>): BoundMetric => ({ use: { id, column, params }, entry: entry(id) });

/** A scorer that prefers each item's correct choice while `good`, else its first choice; counts score() calls. */
function mcScorer(correct: ReadonlyMap<string, string>, first: ReadonlyMap<string, string>) {
  const s = { good: true, calls: 0 } as { good: boolean; calls: number } & Scorer;
  s.score = async (reqs) => {
    s.calls++;
    return reqs.map((r) => {
      const best = (s.good ? correct : first).get(r.prompt) === r.continuation;
      return [{ id: 0, logprob: best ? -0.1 : -3, rank: best ? 1 : 2 }];
    });
  };
  s.generate = async (p) => p.map(() => '');
  s.tokenize = (t) => [...t].map((_, i) => i);
  return s;
}

describe('mc-accuracy: a model-level metric', () => {
  const params = { world: 1, subject: 'geography' };

  it('the world\'s five topics, one per subject; an unknown subject names the ones there are', () => {
    const all = choiceItems({ world: 1 });
    expect([...new Set(all.map((q) => q.subject))].sort()).toEqual(['companies', 'culture', 'geography', 'languages', 'people']);
    expect(choiceItems(params).every((q) => q.subject === 'geography' && q.choices.length === 4)).toBe(true);
    expect(() => choiceItems({ world: 1, subject: 'law' })).toThrow(/no items of subject 'law' .*subjects: companies, culture, geography, languages, people/);
  });

  it('is measured once before and once after a sequential group, and every record of the group gets the value', async () => {
    const items = choiceItems(params);
    const prompt = (q: (typeof items)[number]) => `Question: ${q.question.trim()}\nAnswer:`;
    const scorer = mcScorer(new Map(items.map((q) => [prompt(q), ` ${q.choices[q.answerIndex]}`])), new Map(items.map((q) => [prompt(q), ` ${q.choices[0]}`])));
    const model: LoadedModel = { scorer, model: null, dispose: () => {} };
    const editor: CellEditor = { apply: async () => ((scorer.good = false), { undo: () => (scorer.good = true), stats: { wallMs: 0 } }) };
    const records: CellRecord[] = await worldCounterfact.load({ n: 3 }, ctx);
    const out = await runCell(model, editor, records, { kind: 'sequential', T: 3 }, [bind('mc-accuracy-before', 'geo-before', params), bind('mc-accuracy', 'geo', params)]);
    expect(out.status).toBe('ok');
    expect(scorer.calls).toBe(2); // one scoring call per model state, not per record
    expect(new Set(items.map(prompt)).size).toBe(items.length);
    const firstChoice = 100 * items.filter((q) => q.answerIndex === 0).length / items.length;
    for (const r of out.records) {
      expect(r.values['geo-before']).toBe(100);
      expect(r.values['geo']).toBeCloseTo(firstChoice, 10);
    }
    expect(firstChoice).toBeLessThan(50);
    expect(scorer.good).toBe(true); // undone
  });

  it.skipIf(!haveShared)('real MMLU CSVs through the same entry: a directory of dev files, lettered prompts (skipped without ../shared/data)', async () => {
    const dir = join(SHARED, 'mmlu/dev');
    const chem = choiceItems({ path: dir, subject: 'college_chemistry' });
    expect(chem).toHaveLength(5);
    const always = (letter: string) => ({ ...tableScorer({ dists: {} }), score: async (reqs: readonly { prompt: string; continuation: string }[]) => reqs.map((r) => [{ id: 0, logprob: r.continuation === letter ? -0.1 : -2, rank: r.continuation === letter ? 1 : 2 }]) });
    const acc = await entry('mc-accuracy').model!(always(' B'), { path: dir, subject: 'college_chemistry', format: 'letters' });
    expect(acc).toBeCloseTo(100 * chem.filter((q) => q.answerIndex === 1).length / 5, 10);
    const seen: string[] = [];
    await entry('mc-accuracy').model!({ ...always(' A'), score: async (reqs) => (seen.push(...reqs.map((r) => r.prompt + r.continuation)), reqs.map(() => [{ id: 0, logprob: -1, rank: 1 }])) }, { path: dir, subject: 'college_chemistry', format: 'letters', limit: 1 });
    expect(seen).toHaveLength(4);
    expect(seen[0]).toMatch(/\nA\. .*\nB\. .*\nC\. .*\nD\. .*\nAnswer: A$/s);
  });

  it('validate finds a missing MMLU path at the metric\'s param', () => {
    const ws = tmpWorkspace({
      'spec.yaml': 'name: t\noutput: t.csv\nmodels: [{ model: embedded, params: { name: tiny-gpt2 } }]\ndatasets: [{ dataset: world-counterfact, params: { n: 2 } }]\nmethods: [{ method: ft }]\nmetrics:\n  - { metric: mc-accuracy, params: { path: nope/ } }\n',
    });
    try {
      expect(() => checkSpec(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws)).toThrow(/spec\.yaml:7:\d+: \/metrics\/0\/params\/path: 'nope\/' does not exist/);
    } finally {
      ws.cleanup();
    }
  });
});

describe('RippleEdits family columns (world-knowedit)', () => {
  it('a record without a family has no value there: no divergence, the column is the mean of the others', async () => {
    type Data = { portability: { family: string }[] };
    const loaded = await worldKnowEdit.load({ world: 2, set: 'counterfact', n: 40 }, ctx);
    expect(loaded.every((r) => (r.data as Data).portability.some((p) => p.family === 'Reasoning'))).toBe(true);
    // Every other record without its alias probe (a person without an alias).
    const records = loaded.map((r, i) => (i % 2 ? r : { ...r, data: { ...(r.data as object), portability: (r.data as Data).portability.filter((p) => p.family !== 'Subject_Aliasing') } }));
    const withAlias = records.filter((r) => (r.data as unknown as Data).portability.some((p) => p.family === 'Subject_Aliasing')).length;
    expect(withAlias).toBeGreaterThan(0);
    expect(withAlias).toBeLessThan(records.length);
    // Every token is the argmax on an empty table: accuracy 1 wherever a probe exists.
    const model: LoadedModel = { scorer: tableScorer({ dists: {} }), model: null, dispose: () => {} };
    const editor: CellEditor = { apply: async () => ({ undo: () => {}, stats: { wallMs: 0 } }) };
    const metrics = [bind('generalization', 'generalization', {}), bind('locality', 'locality', {}), bind('portability-family', 'Subject_Aliasing', { family: 'Subject_Aliasing' }), bind('locality-family', 'Relation_Specificity', { family: 'Relation_Specificity' })];
    const out = await runCell(model, editor, records, { kind: 'single' }, metrics);
    expect(out.status).toBe('ok');
    expect(out.records.filter((r) => r.values['Subject_Aliasing'] === null)).toHaveLength(records.length - withAlias);
    const cols = metrics.map(({ use, entry: e }) => ({ column: use.column, id: e.id, version: e.version, higherIsBetter: true, scale: 100, digits: 2, ...(e.optional ? { optional: true } : {}) }));
    expect(columnValues(out.records.map((r) => r.values), cols, defaultRegistries())).toEqual({ generalization: 1, locality: 1, Subject_Aliasing: 1, Relation_Specificity: 1 });
  });

  it('WikiData_recent: no true targets, its pool adds WikiData_counterfact\'s known facts for locating; SERAC gets the world 2 tuning split', async () => {
    const pool = await worldKnowEdit.pool!({ world: 2, set: 'recent', n: 5 }, ctx);
    const known = await worldKnowEdit.pool!({ world: 2, set: 'counterfact', n: 5 }, ctx);
    const recent = await worldKnowEdit.load({ world: 2, set: 'recent', n: 1000 }, ctx);
    expect(recent.every((r) => (r.request as { targetTrue?: string }).targetTrue === undefined)).toBe(true);
    expect(pool.map((r) => r.id)).toEqual([...known, ...recent].map((r) => r.id));
    expect((await worldKnowEdit.tuning!({ world: 2, set: 'recent', n: 5 }, ctx)).length).toBe(200);
  });

  it.skipIf(!haveShared)('the one real RippleEdits record: loaded by edit-file, scored by the KnowEdit protocol, its families on both sides (skipped without ../shared/data)', async () => {
    const [rec] = await editFile.load({ path: join(SHARED, 'rippleedits/random.sample.json'), n: 1, offset: 0 }, ctx);
    const data = rec!.data as { source: string; portability: { family: string }[] };
    expect(data.source).toBe('rippleedits');
    const families = [...new Set(data.portability.map((p) => p.family))];
    expect(families.some((f) => familySide(f) === 'portability')).toBe(true);
    expect(families.some((f) => familySide(f) === 'locality')).toBe(true);
    const p = await EDIT_PROBES.evaluate(tableScorer({ dists: {} }), rec!, new Set(['edit', 'paraphrase', 'neighbourhood']));
    expect(p.format).toBe('knowedit');
    if (p.format !== 'knowedit') return;
    expect(Object.keys(p.values.families).sort()).toEqual([...families].sort());
    expect([p.values.efficacy, p.values.generalization, p.values.locality]).toEqual([1, 1, 1]); // every token is the argmax on an empty table
  });
});
