// Self-improvement (the model under edit writes each forget question's refusal target) and the two
// refusal-quality stand-ins: the exemplar prompt from the world's subject-naming refusals, the refusal
// test, and a spec end to end on the fake table model: the targets stage runs once per model × dataset
// (cached on rerun), a non-refusal is replaced and counted, the targets are written beside the table,
// and entailment / misleading read the forget generation.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REFUSAL_POOL } from '@editlab/datasets';
import type { CellRecord, ForgetRequest } from '../registries';
import { metricValues } from '../exec/cell';
import { runExperiment } from '../experiment';
import { tmpWorkspace } from '../testing/tmp';
import { testCtx as ctx } from '../testing/default-model';
import { paperColumns } from '../testing/csv';
import { QaScorer, worldQaRegistries } from '../testing/world-qa';
import { isTailoredRefusal, MAX_EXEMPLARS, SELF_IMPROVE, selfImprovePrompt } from './self-improve';
import { REFUSAL_QUALITY_METRICS } from './refusal-quality';
import { worldTofuEntry, type UnlearnData } from './unlearn-datasets';

const dataOf = (r: CellRecord) => r.data as unknown as UnlearnData;
const params = { worldSize: 'tiny', forgetSize: 2, targets: 'self-improved' };

describe('self-improvement targets', () => {
  it('each forget record carries exemplars: other subjects, the same relation first, answered with a refusal naming them', async () => {
    const recs = await worldTofuEntry.load(params, ctx);
    const generic = await worldTofuEntry.load({ ...params, targets: 'generic' }, ctx);
    expect(dataOf(generic[0]!).selfImprove).toBeUndefined();
    expect(dataOf(generic[0]!).facts).toEqual(dataOf(recs[0]!).facts);
    for (const r of recs) {
      const d = dataOf(r);
      const s = d.selfImprove!;
      expect(s.exemplars).toHaveLength(MAX_EXEMPLARS);
      expect(d.forget.prompt).toContain(s.question);
      for (const e of s.exemplars) {
        expect(e.question).not.toContain(d.facts!.subject);
        // Every exemplar is one named template ("I have no information about X's birthplace."), subject filled in.
        expect(e.refusal).toMatch(/^(I have no information about|I don't know|I'm not aware of) .+'s .+\.$/);
      }
      expect(new Set(s.exemplars.map((e) => e.refusal.split(' ').slice(0, 3).join(' '))).size).toBe(1);
      const prompt = selfImprovePrompt(s.exemplars, s.question);
      expect(prompt.split('\n')).toHaveLength(2 * MAX_EXEMPLARS + 2);
      expect(prompt.endsWith(d.forget.prompt)).toBe(true);
    }
    expect(await worldTofuEntry.load(params, ctx)).toEqual(recs); // deterministic
  });

  it('the refusal test: opens like a refusal, names the subject, names neither the true nor a false object', async () => {
    const [rec] = await worldTofuEntry.load(params, ctx);
    const f = dataOf(rec!).facts!;
    expect(isTailoredRefusal(`I have no information about ${f.subject}'s place of birth.`, f)).toBe(true);
    expect(isTailoredRefusal(`I have never heard of ${f.subject}.`, f)).toBe(true);
    expect(isTailoredRefusal("I don't know.", f)).toBe(false); // names nobody
    expect(isTailoredRefusal(`${f.subject} is from somewhere.`, f)).toBe(false); // not a refusal
    expect(isTailoredRefusal(`I don't know ${f.subject}'s ${f.object}.`, f)).toBe(false); // leaks the answer
    expect(isTailoredRefusal(`I don't know ${f.subject}'s ${f.falseObjects[0]}.`, f)).toBe(false); // misleading
  });

  it('entailment and misleading per record, from the generation for the forget question', async () => {
    const [rec] = await worldTofuEntry.load(params, ctx);
    const d = dataOf(rec!);
    const bound = REFUSAL_QUALITY_METRICS.map((entry) => ({ use: { id: entry.id, column: entry.id, params: {} }, entry }));
    const at = async (gen: string) => metricValues(new QaScorer(new Map([[d.forget.prompt, gen]])), rec!, bound);
    expect(await at(` I don't know ${d.facts!.subject}'s birthplace.`)).toEqual({ entailment: 1, misleading: 0 });
    expect(await at(` ${d.facts!.falseObjects[1]}`)).toEqual({ entailment: 0, misleading: 1 });
    expect(await at(` ${d.forget.answer}`)).toEqual({ entailment: 0, misleading: 0 }); // the true answer: not forgotten, not misleading
    const [pistol] = await (await import('./unlearn-datasets')).worldPistolEntry.load({ worldSize: 'tiny', forgetSize: 20 }, ctx);
    await expect(metricValues(new QaScorer(new Map()), pistol!, bound)).rejects.toThrow(/entailment: record .* has no subject/);
  });
});

describe('a self-improvement spec end to end on fakes', () => {
  const ws = tmpWorkspace();
  afterAll(() => ws.cleanup());

  it('targets stage once per model × dataset, cached; a non-refusal replaced and counted; targets CSV; the stand-ins in the table', async () => {
    const recs = await worldTofuEntry.load(params, ctx);
    const prompts = recs.map((r) => selfImprovePrompt(dataOf(r).selfImprove!.exemplars, dataOf(r).selfImprove!.question));
    const subject0 = dataOf(recs[0]!).facts!.subject;
    const named = `I have no information about ${subject0}'s birthplace.`;
    // Record 0: the model writes a tailored refusal; record 1: it answers the question (replaced).
    const reg = worldQaRegistries(new Map([[prompts[0]!, ` ${named}`], [prompts[1]!, ` ${dataOf(recs[1]!).forget.answer}`]]), REFUSAL_QUALITY_METRICS);
    ws.write({
      'spec.yaml': `name: si
seed: 0
output: si.csv
models: [{ model: qa-table }]
datasets:
  - { dataset: world-tofu, label: generic, params: { worldSize: tiny, forgetSize: 2 } }
  - { dataset: world-tofu, label: self-improved, params: { worldSize: tiny, forgetSize: 2, targets: self-improved } }
methods: [{ method: fake-forget }]
protocols: [{ kind: unlearn, apply: sequential }]
metrics: [rouge1-forget, entailment, misleading]
`,
    });
    const first = await runExperiment(join(ws.cwd, 'spec.yaml'), reg, ws, { renderer: 'silent' });
    expect(first.prepared.plan.stages.filter((s) => s.kind === 'targets').map((s) => s.label)).toEqual(['self-improve @ qa-table on self-improved']);
    const csv = paperColumns(readFileSync(join(ws.resultsDir, 'si.csv'), 'utf8')).trim().split('\n').map((l) => l.split(','));
    expect(csv.map((r) => [r[1], r[6], r[7], r[8]])).toEqual([
      ['dataset', 'rouge1-forget', 'entailment', 'misleading'],
      ['generic', '0.0000', '0.0', '0.0'],
      ['self-improved', '0.0000', '50.0', '0.0'],
    ]);
    const generic1 = (recs[1]!.request as ForgetRequest).refusal!.trim();
    const q = (x: string) => (x.includes(',') ? `"${x}"` : x); // CSV quoting
    expect(REFUSAL_POOL).toContain(generic1);
    expect(readFileSync(join(ws.resultsDir, 'si.targets.csv'), 'utf8').split('\n')).toEqual([
      'stage,record,subject,exemplars,generated,target,replaced',
      `self-improve @ qa-table on self-improved,${recs[0]!.id},${subject0},3,${named},${named},0`,
      `self-improve @ qa-table on self-improved,${recs[1]!.id},${dataOf(recs[1]!).facts!.subject},3,${dataOf(recs[1]!).forget.answer},${q(generic1)},1`,
      '',
    ]);
    const meta = JSON.parse(readFileSync(join(ws.resultsDir, 'si.meta.json'), 'utf8')) as { stages: { label: string; value: { replaced: number; total: number } }[] };
    expect(meta.stages.map((s) => [s.label, s.value.replaced, s.value.total])).toEqual([['self-improve @ qa-table on self-improved', 1, 2]]);
    const again = await runExperiment(join(ws.cwd, 'spec.yaml'), reg, ws, { renderer: 'silent' });
    expect(again.run.executed).toEqual([]);
    expect(readFileSync(join(ws.resultsDir, 'si.targets.csv'), 'utf8')).toContain(named);
  });
});

it('the targets stage keeps the generic refusal of a record it replaces, and rewrites only its records', () => {
  const r: CellRecord = { id: 'a', request: { kind: 'forget', question: 'Q', answer: ' A', refusal: " I don't know." }, data: null };
  const [out] = SELF_IMPROVE.apply([r], { targets: [{ record: 'a', subject: 'S', generated: 'x', target: 'I have never heard of S.', replaced: false }] });
  expect((out!.request as ForgetRequest).refusal).toBe(' I have never heard of S.');
  expect(SELF_IMPROVE.apply([r], { targets: [] })[0]).toBe(r);
});
