// The real editing registries (datasets → metrics → methods) on the committed default models: the
// world's benchmarks load as CellRecords, the metrics see what the model knows before an edit, and
// a run through the runner edits, locates once per dataset and writes the locating beside the table.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellRecord, EditRequest, LoadedModel } from '../registries';
import { defaultRegistries } from '../defaults';
import { checkSpec, runExperiment } from '../experiment';
import { tmpWorkspace } from '../testing/tmp';
import { paperColumns } from '../testing/csv';
import { editSpec, haveModel, haveShared, SHARED, testCtx as ctx, useDefaultModel } from '../testing/default-model';
import { editFile, worldCounterfact, worldKnowEdit, worldZsre } from './edit-datasets';
import { DEFAULT_WORLD } from '../pretrain/presets';
import { EDIT_METRICS } from './edit-metrics';
import { metricValues } from '../exec/cell';

const metric = (id: string) => EDIT_METRICS.find((m) => m.id === id)!;
const bound = (id: string) => ({ use: { id, column: id, params: {} }, entry: metric(id) });
const meanOf = async (m: LoadedModel, id: string, recs: readonly CellRecord[]) => {
  let s = 0;
  for (const r of recs) s += (await metricValues(m.scorer, r, [bound(id)]))[id]!;
  return s / recs.length;
};

describe('world and file datasets', () => {
  it('world-counterfact: n/offset slices of the 200 records (world 1), the pool is all of them', async () => {
    const a = await worldCounterfact.load({ worldSeed: 1, worldSize: 'default', world: 1, n: 5, offset: 0 }, ctx);
    const b = await worldCounterfact.load({ worldSeed: 1, worldSize: 'default', world: 1, n: 5, offset: 3 }, ctx);
    expect(a.map((r) => r.id)).toHaveLength(5);
    expect(b[0]!.id).toBe(a[3]!.id);
    const r = a[0]!.request as EditRequest;
    expect(r.prompt).toContain(r.subject);
    expect(r.targetTrue).toBeDefined();
    expect(r.targetNew).not.toBe(r.targetTrue);
    expect(r.targetNew).toMatch(/^ \S/); // the leading space the metrics score with (" Paris")
    expect(r.targetTrue).toMatch(/^ \S/);
    expect(r.relationId).toMatch(/^P\d+$/);
    expect(await worldCounterfact.pool!({ worldSeed: 1, worldSize: 'default', world: 1, n: 5, offset: 0 }, ctx)).toHaveLength(200);
    await expect(worldCounterfact.load({ worldSeed: 1, worldSize: 'default', world: 1, n: 5, offset: 500 }, ctx)).rejects.toThrow(/offset 500 is past its 200 records/);
  });

  it('world-zsre: the QA format by default, the raw MEND strings on request', async () => {
    const [qa] = await worldZsre.load({ worldSeed: 1, worldSize: 'default', qaFormat: true, n: 1, offset: 0 }, ctx);
    const [raw] = await worldZsre.load({ worldSeed: 1, worldSize: 'default', qaFormat: false, n: 1, offset: 0 }, ctx);
    const d = qa!.data as { paraphrasePrompts: string[]; locality: { prompt: string }[] };
    expect((qa!.request as EditRequest).prompt).toMatch(/^Question: .*\?\nAnswer:$/);
    expect(d.paraphrasePrompts[0]).toMatch(/^Question: /);
    expect(d.locality[0]!.prompt).toMatch(/^Question: [A-Z].*\?\nAnswer:$/);
    expect((raw!.data as typeof d).locality[0]!.prompt).toMatch(/^nq question: /);
    expect((qa!.request as EditRequest).targetNew).toBe((raw!.request as EditRequest).targetNew);
    expect((qa!.request as EditRequest).relationId).toMatch(/^P\d+$/); // from the world (MEND records have none): locating is per relation
  });

  it('world: 2 has 1000 CounterFact records; split: tuning gives records about people no benchmark record names', async () => {
    const v2 = { worldSeed: 1, worldSize: 'default', world: 2, n: 5, offset: 0 };
    const bench = await worldCounterfact.pool!(v2, ctx);
    expect(bench).toHaveLength(1000);
    const tuning = await worldCounterfact.pool!({ ...v2, split: 'tuning' }, ctx);
    expect(tuning).toHaveLength(200);
    const benchText = JSON.stringify([...bench.map((r) => r.data), ...(await worldZsre.pool!(v2, ctx)).map((r) => r.data)]);
    for (const r of tuning) expect(benchText.includes((r.request as EditRequest).subject)).toBe(false);
    const zt = await worldZsre.load({ ...v2, split: 'tuning' }, ctx);
    expect((zt[0]!.request as EditRequest).relationId).toMatch(/^P\d+$/);
    // The default is the committed models' world (DEFAULT_WORLD: version 2) and its benchmark split.
    expect(DEFAULT_WORLD.version).toBe(2);
    expect((await worldCounterfact.load({ worldSeed: 1, worldSize: 'default', n: 1, offset: 0 }, ctx))[0]!.data)
      .toEqual((await worldCounterfact.load({ worldSeed: 1, worldSize: 'default', world: 2, split: 'benchmark', n: 1, offset: 0 }, ctx))[0]!.data);
    await expect(worldCounterfact.load({ worldSeed: 1, worldSize: 'default', world: 1, split: 'tuning', n: 1, offset: 0 }, ctx))
      .rejects.toThrow(/world-counterfact: split "tuning" needs world: 2/);
  });

  it('sideRecords: side models train on the tuning split\'s first N records; split: tuning with offset N evaluates the rest', async () => {
    const v2 = { worldSeed: 1, worldSize: 'default', world: 2, n: 50, offset: 150 };
    const all = await worldCounterfact.tuning!(v2, ctx);
    const side = await worldCounterfact.tuning!({ ...v2, sideRecords: 150 }, ctx);
    expect([all.length, side.length]).toEqual([200, 150]);
    expect(side).toEqual(all.slice(0, 150));
    const held = await worldCounterfact.load({ ...v2, split: 'tuning', sideRecords: 150 }, ctx);
    const trainedOn = new Set(side.map((t) => (t.request as EditRequest).subject));
    expect(held).toHaveLength(50);
    expect(held.map((r) => (r.request as EditRequest).prompt)).toEqual(all.slice(150).map((t) => (t.request as EditRequest).prompt));
    expect(held.filter((r) => trainedOn.has((r.request as EditRequest).subject)).length).toBeLessThan(held.length); // mostly other people
  });

  it('world-knowedit: world 2 WikiData_counterfact rewrites and WikiData_recent insertions, with relation ids', async () => {
    const base = { worldSeed: 1, worldSize: 'default', world: 2, n: 100, offset: 0 };
    const cf = await worldKnowEdit.load({ ...base, set: 'counterfact' }, ctx);
    const recent = await worldKnowEdit.load({ ...base, set: 'recent' }, ctx);
    expect([cf.length, recent.length]).toEqual([100, 100]);
    expect((cf[0]!.request as EditRequest).targetTrue).toMatch(/^ \S/);
    expect((recent[0]!.request as EditRequest).targetTrue).toBeUndefined();
    for (const r of [...cf, ...recent]) expect((r.request as EditRequest).relationId).toMatch(/^P\d+$/);
    const d = cf[0]!.data as { portability: { family: string }[]; locality: unknown[] };
    expect(d.portability.map((p) => p.family).sort()).toEqual(['Reasoning', 'Subject_Aliasing']);
    expect(d.locality.length).toBeGreaterThan(0);
  });

  it('the spec schema takes world and split, and rejects a tuning split of world 1 at its line', () => {
    const ws = tmpWorkspace();
    const spec = (params: string) => {
      ws.write({ 'spec.yaml': `name: t\nseed: 0\noutput: t.csv\nmodels: [{ model: embedded, params: { name: tiny-gpt2 } }]\ndatasets:\n  - dataset: world-counterfact\n    params: ${params}\nmethods: [{ method: ft }]\nmetrics: [efficacy]\n` });
      return () => checkSpec(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws);
    };
    try {
      expect(spec('{ world: 2, split: tuning }')).not.toThrow();
      expect(spec('{ world: 3 }')).toThrow(/spec\.yaml:7:\d+: \/datasets\/0\/params\/world: number 3 is not allowed/);
      expect(spec('{ split: tuning }')).toThrow(/\/datasets\/0\/params/);
      expect(spec('{ world: 1, split: tuning }')).toThrow(/\/datasets\/0\/params\/world: must be equal to constant/);
    } finally {
      ws.cleanup();
    }
  });

  it.skipIf(!haveShared)('edit-file: the real CounterFact and ZsRE dev files (skipped without ../shared/data)', async () => {
    const cf = await editFile.load({ path: join(SHARED, 'counterfact/counterfact-rome-format.dev.json'), n: 3, offset: 0 }, ctx);
    expect(cf).toHaveLength(3);
    expect((cf[0]!.request as EditRequest).targetTrue).toBeDefined();
    const z = await editFile.load({ path: join(SHARED, 'zsre/zsre_mend_train-1k.json'), n: 2, offset: 0 }, ctx);
    expect((z[0]!.data as { source: string }).source).toBe('zsre-mend');
  });

  it('edit-file: a malformed record is a DATA error naming file, record and field; QA files are refused', async () => {
    const ws = tmpWorkspace({
      'bad.json': JSON.stringify([{ src: 'Q?', alt: 'x', answers: ['y'], rephrase: 'R?', loc: 'l', loc_ans: 'z', subject: 'S' }, { src: 5, alt: 'x', answers: ['y'], rephrase: 'R?', loc: 'l', loc_ans: 'z', subject: 'S' }]),
      'qa.json': JSON.stringify([{ question: 'Q?', answer: 'A' }]),
    });
    try {
      await expect(editFile.load({ path: 'bad.json', n: 5, offset: 0 }, { seed: 0, specDir: ws.cwd })).rejects.toThrow(/bad\.json record 1 field src/);
      await expect(editFile.load({ path: 'qa.json', n: 5, offset: 0 }, { seed: 0, specDir: ws.cwd })).rejects.toThrow(/no editing records \(format tofu\)/);
    } finally {
      ws.cleanup();
    }
  });
});

describe.skipIf(!haveModel)('on the committed tiny-gpt2 (skipped when models/tiny-gpt2 is absent)', () => {
  const gpt2 = useDefaultModel('tiny-gpt2');

  it('before any edit: the model prefers the true object (efficacy ≈ 0, locality ≈ 100%)', async () => {
    const model = gpt2();
    const cf = await worldCounterfact.load({ worldSeed: 1, worldSize: 'default', n: 20, offset: 0 }, ctx);
    expect(await meanOf(model, 'efficacy', cf)).toBeLessThanOrEqual(0.05);
    expect(await meanOf(model, 'generalization', cf)).toBeLessThanOrEqual(0.1);
    expect(await meanOf(model, 'locality', cf)).toBeGreaterThanOrEqual(0.9);
    const z = await worldZsre.load({ worldSeed: 1, worldSize: 'default', qaFormat: true, n: 20, offset: 0 }, ctx);
    expect(await meanOf(model, 'efficacy', z)).toBeLessThan(0.5); // token accuracy of the NEW target
    expect(await meanOf(model, 'locality', z)).toBeGreaterThanOrEqual(0.9); // gold loc_ans, asked as the corpus does
    const flu = await metric('fluency').evaluate!(model.scorer, cf[0]!, { maxLength: 64, topK: 5, seed: 0, includePrompt: true });
    expect(flu).toBeGreaterThan(100);
    expect(flu).toBe(await metric('fluency').evaluate!(model.scorer, cf[0]!, { maxLength: 64, topK: 5, seed: 0, includePrompt: true }));
  });
});

describe.skipIf(!haveModel)('a run through the runner (skipped when models/tiny-gpt2 is absent)', () => {
  const ws = tmpWorkspace();
  afterAll(() => ws.cleanup());

  it('FT and ForGet edit, ForGet locates once for both of its variants, the located layers are in meta.json', async () => {
    ws.write({
      'spec.yaml': editSpec({
        name: 't', n: 4, methods: ['{ method: ft, label: FT, params: { steps: 60, lr: 0.01 } }', '{ method: forget, label: ForGet, matrix: { k: [1, 2] } }'],
        metrics: ['efficacy', 'locality', 'prepare-bytes'],
      }),
    });
    const res = await runExperiment(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws, { renderer: 'silent' });
    const lines = paperColumns(readFileSync(join(ws.resultsDir, 't.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('model,dataset,method,hparams,protocol,n,efficacy,locality,prepare-bytes,status,error');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => `${r[2]}[${r[3]}]`)).toEqual(['FT[]', 'ForGet[k=1]', 'ForGet[k=2]']);
    for (const r of rows) {
      expect(r[9]).toBe('ok');
      expect(Number(r[6])).toBeGreaterThanOrEqual(75); // the edit took: new beats true on the rewrite prompt
    }
    const meta = JSON.parse(readFileSync(join(ws.resultsDir, 't.meta.json'), 'utf8')) as { stages: { label: string; value: { all: number[]; byRelation: Record<string, number[]> } }[] };
    expect(meta.stages).toHaveLength(1); // one locate for k = 1 and k = 2
    expect([...meta.stages[0]!.value.all].sort()).toEqual([0, 1, 2, 3]);
    expect(Object.keys(meta.stages[0]!.value.byRelation).length).toBeGreaterThan(3);
    expect(res.run.executed.length).toBe(4); // one locate stage + three cells
  });
});
