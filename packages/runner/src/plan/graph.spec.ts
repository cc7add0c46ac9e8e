// The pure plan builder on hand-made inputs: no file is read (the registries' readers throw).
import { describe, expect, it } from 'vitest';
import type { CellRecord, Registries } from '../registries';
import { fakeRegistries } from '../testing/fakes';
import { resolvedSpec } from '../testing/spec';
import { planFromInputs } from './graph';
import type { PlanInputs, PrepareTask } from './graph';

/** Fake registries whose file-reading calls fail: the builder must not make them. */
function noIo(): Registries {
  const reg = fakeRegistries();
  const refuse = () => Promise.reject(new Error('planFromInputs read a file'));
  for (const [id, m] of reg.models) (reg.models as Map<string, typeof m>).set(id, { ...m, fingerprint: refuse, load: refuse });
  for (const [id, d] of reg.datasets) (reg.datasets as Map<string, typeof d>).set(id, { ...d, load: refuse, pool: refuse });
  return { ...reg, environment: refuse };
}

const records = (n: number, tag = ''): CellRecord[] =>
  Array.from({ length: n }, (_x, i) => ({ id: `${tag}${i}`, request: { prompt: `Subject ${i} lives in`, subject: `Subject ${i}`, targetNew: ' Paris' }, data: {} }));

function inputs(over: Partial<PlanInputs> = {}): PlanInputs {
  return {
    specDir: '/nowhere',
    environment: { backend: 'fake', versions: { runner: 'test' } },
    models: [{ variant: { id: 'table', label: 'table', params: { size: 40 } }, fingerprint: { size: 40 }, corpus: 'default' }],
    datasets: [{ variant: { id: 'facts', label: 'facts', params: { n: 10 } }, records: records(10) }],
    ...over,
  };
}

const SPEC = resolvedSpec({
  methods: [
    { method: 'table-ft', label: 'A', params: { lr: 0.1 } },
    { method: 'table-ft', label: 'B', params: { lr: 0.2 } },
  ],
  protocols: [{ kind: 'single' }, { kind: 'batch', size: 3 }, { kind: 'sequential', T: 5 }],
});

describe('planFromInputs', () => {
  it('builds typed stages, chunked cells and rows from the inputs alone', () => {
    const plan = planFromInputs(SPEC, noIo(), inputs());
    const [model, dataset, prepare] = plan.stages;
    expect(plan.stages.map((s) => s.kind)).toEqual(['model', 'dataset', 'prepare']);
    expect(model).toMatchObject({ kind: 'model', modelIndex: 0, build: false, label: 'model table', deps: [] });
    expect(dataset).toMatchObject({ kind: 'dataset', datasetIndex: 0, label: 'dataset facts (10 records)', deps: [] });
    // one precomputation for both variants (same inputs): it runs with the first variant, on model 0
    const p = prepare as PrepareTask;
    expect(p).toMatchObject({ kind: 'prepare', modelIndex: 0, modelKey: model!.key, deps: [model!.key], label: 'stats A @ table' });
    expect(p.variant.label).toBe('A');
    expect(p.dataset).toBeUndefined();
    // 2 variants × 3 protocols; chunk 4 → single 4 (3 cells), batch(3) 6 (2 cells), sequential(T=5) 5 (2 cells)
    expect(plan.rows.map((r) => [r.keys.method, r.keys.protocol, r.cells.length])).toEqual([
      ['A', 'single', 3], ['A', 'batch(3)', 2], ['A', 'sequential(T=5)', 2],
      ['B', 'single', 3], ['B', 'batch(3)', 2], ['B', 'sequential(T=5)', 2],
    ]);
    expect(plan.cells.filter((c) => c.row === 1).map((c) => [c.chunk, c.start, c.end])).toEqual([[0, 0, 6], [1, 6, 10]]);
    expect(plan.cells[0]).toMatchObject({ label: 'table · facts · A · single · records 0-3', deps: [model!.key, dataset!.key, p.key], stages: [{ name: 'stats', key: p.key }] });
    expect(new Set(plan.cells.map((c) => c.key)).size).toBe(14);
    expect(plan.records.get(dataset!.key)).toHaveLength(10);
    expect(plan.ctx).toEqual({ seed: 0, specDir: '/nowhere' });
  });

  it('is a function of its inputs: a fingerprint re-keys the model and every cell, records re-key the dataset', () => {
    const reg = noIo();
    const a = planFromInputs(SPEC, reg, inputs());
    expect(planFromInputs(SPEC, reg, inputs())).toEqual(a);
    const refit = planFromInputs(SPEC, reg, inputs({ models: [{ ...inputs().models[0]!, fingerprint: { size: 40, sha: 'other' } }] }));
    expect(refit.stages[0]!.key).not.toBe(a.stages[0]!.key);
    expect(refit.stages[1]!.key).toBe(a.stages[1]!.key);
    expect(refit.cells.some((c) => a.cells.some((d) => d.key === c.key))).toBe(false);
    const renamed = planFromInputs(SPEC, reg, inputs({ datasets: [{ ...inputs().datasets[0]!, records: records(10, 'r') }] }));
    expect(renamed.stages[0]!.key).toBe(a.stages[0]!.key);
    expect(renamed.stages[1]!.key).not.toBe(a.stages[1]!.key);
    expect(renamed.stages[2]!.key).toBe(a.stages[2]!.key); // the precomputation reads no records
  });

  it('a stage that reads records is one per model × dataset and names its dataset; a build model says so', () => {
    const reg = noIo();
    const ft = reg.methods.get('table-ft')!;
    (reg.methods as Map<string, typeof ft>).set('table-ft', { ...ft, stages: [{ ...ft.stages![0]!, reads: 'records' }] });
    const plan = planFromInputs(resolvedSpec({ models: [{ model: 'table-tuned', params: { size: 40 } }] }), reg, inputs({
      models: [{ variant: { id: 'table-tuned', label: 'tuned', params: { size: 40 } }, fingerprint: { size: 40 }, corpus: 'default' }],
      datasets: [
        { variant: { id: 'facts', label: 'F1', params: { n: 4 } }, records: records(4) },
        { variant: { id: 'facts', label: 'F2', params: { n: 4 } }, records: records(4, 'b') },
      ],
    }));
    expect(plan.stages[0]).toMatchObject({ kind: 'model', build: true, label: 'finetune tuned' });
    const prepares = plan.stages.filter((s): s is PrepareTask => s.kind === 'prepare');
    expect(prepares.map((s) => [s.label, s.dataset?.index, s.deps.length])).toEqual([['stats table-ft @ tuned on F1', 0, 2], ['stats table-ft @ tuned on F2', 1, 2]]);
    expect(prepares[1]!.dataset!.key).toBe(plan.stages[2]!.key);
  });

  it('a stage that reads the tuning split is one per model × dataset, keyed apart from a records stage', () => {
    const reg = noIo();
    const ft = reg.methods.get('table-ft')!;
    const planWith = (reads: 'records' | 'tuning') => {
      (reg.methods as Map<string, typeof ft>).set('table-ft', { ...ft, stages: [{ ...ft.stages![0]!, reads }] });
      return planFromInputs(SPEC, reg, inputs()).stages.filter((s): s is PrepareTask => s.kind === 'prepare');
    };
    const tuning = planWith('tuning');
    const records = planWith('records');
    expect(tuning.map((s) => [s.label, s.dataset?.index, s.deps.length])).toEqual([['stats table-ft @ table on facts (tuning split)', 0, 2]]);
    expect(tuning[0]!.key).not.toBe(records[0]!.key);
  });

  it('a protocol batch larger than the method accepts marks its cells unsupported', () => {
    const reg = noIo();
    const ft = reg.methods.get('table-ft')!;
    (reg.methods as Map<string, typeof ft>).set('table-ft', { ...ft, maxBatch: 2 });
    const plan = planFromInputs(SPEC, reg, inputs());
    expect(plan.cells.filter((c) => c.unsupported).map((c) => c.row)).toEqual([1, 1, 4, 4]);
    expect(plan.cells.find((c) => c.unsupported)!.unsupported).toBe('table-ft edits at most 2 request(s) per call; protocol asks for 3');
  });
});
