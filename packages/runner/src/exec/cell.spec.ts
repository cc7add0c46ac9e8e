// One cell under each protocol, on the fakes (a lookup-table model; record i's neighbour is record
// i+1): a record is evaluated once for all the metrics that read the same evaluator, sequential
// editing can also evaluate each record right after its own edit, and unlearning applies the whole
// forget set at once or as sequential or batched edits.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fakeRegistries } from '../testing/fakes';
import { withBuiltins } from '../builtin-metrics';
import { tmpWorkspace, BASE_SPEC, type TmpWorkspace } from '../testing/tmp';
import { paperColumns } from '../testing/csv';
import { runExperiment } from '../experiment';
import { probe, type CellEditor, type CellRecord, type EditRequest, type MetricEntry, type MetricSplit, type RecordEvaluator, type Registries, type Scorer } from '../registries';
import type { Protocol } from '../experiment-spec/types';
import { metricValues, runCell, type BoundMetric } from './cell';

const ctx = { seed: 0, specDir: '.' };
type Probes = Partial<Record<MetricSplit, number>>;
type Data = { paraphrases: string[]; neighborhood: string[]; neighborTrue: string };

/** A record evaluator over the fakes' records: [NLL(good) < NLL(bad)] per split, all splits in one score() call. */
function fakeProbes(log: MetricSplit[][]): RecordEvaluator<Probes> {
  return {
    id: 'fake-probes',
    async evaluate(s, r, splits) {
      log.push([...splits]);
      const d = r.data as Data;
      const { prompt, targetNew, targetTrue } = r.request as EditRequest;
      type Probe = readonly [split: MetricSplit, prompt: string, good: string, bad: string];
      const all: Probe[] = [
        ['edit', prompt, targetNew, targetTrue!],
        ...d.paraphrases.map((p): Probe => ['paraphrase', p, targetNew, targetTrue!]),
        ...d.neighborhood.map((p): Probe => ['neighbourhood', p, d.neighborTrue, targetNew]),
      ];
      const probes = all.filter(([split]) => splits.has(split));
      const rows = await s.score(probes.flatMap(([, p, good, bad]) => [{ prompt: p, continuation: good }, { prompt: p, continuation: bad }]));
      const out: Probes = {};
      probes.forEach(([split], i) => (out[split] = rows[2 * i]![0]!.logprob > rows[2 * i + 1]![0]!.logprob ? 1 : 0));
      return out;
    },
  };
}

function setup() {
  const counters = { applies: 0, loads: 0, prepares: 0 };
  const reg = withBuiltins(fakeRegistries(counters));
  const log: MetricSplit[][] = [];
  const ev = fakeProbes(log);
  const entry = (id: string, split: MetricSplit, more: Partial<MetricEntry> = {}): MetricEntry => ({
    id, version: '1', higherIsBetter: true, scale: 100, digits: 2, split, probe: probe(ev, (p) => p[split]!), ...more,
  });
  const probeMetrics = [entry('p-eff', 'edit'), entry('p-gen', 'paraphrase'), entry('p-loc', 'neighbourhood'), entry('p-loc-max', 'neighbourhood', { aggregate: 'max' })];
  const withProbes: Registries = { ...reg, metrics: new Map([...reg.metrics, ...probeMetrics.map((m) => [m.id, m] as const)]) };
  const bind = (...ids: string[]): BoundMetric[] => ids.map((id) => ({ use: { id, column: id, params: {} }, entry: withProbes.metrics.get(id)! }));
  return { counters, reg: withProbes, log, bind };
}

/** Counts score() calls of a Scorer. */
function counting(s: Scorer): Scorer & { calls: number } {
  const c = { calls: 0, score: (r: Parameters<Scorer['score']>[0]) => (c.calls++, s.score(r)), generate: s.generate.bind(s), tokenize: s.tokenize.bind(s) };
  return c;
}

async function cell(protocol: Protocol, metrics: readonly string[], params = {}) {
  const { reg, log, bind } = setup();
  const model = await reg.models.get('table')!.load({ size: 40 }, ctx);
  const records = await reg.datasets.get('facts')!.load({ n: 12 }, ctx);
  const inner = reg.methods.get('table-ft')!.create({ lr: 0.1, paraphrase: false, delayMs: 0, ...params }, { ...ctx, prepared: {} });
  const calls: number[] = [];
  const editor: CellEditor = { apply: (m, reqs) => (calls.push(reqs.length), inner.apply(m, reqs)) };
  const out = await runCell(model, editor, records, protocol, bind(...metrics));
  const mean = (col: string) => out.records.reduce((a, r) => a + r.values[col]!, 0) / out.records.length;
  return { out, calls, log, mean, facts: model.model as Map<string, string> };
}

describe('one record evaluation for all the metrics of a cell', () => {
  it('metrics reading one evaluator share one call (one score() call) for the union of their splits', async () => {
    const { reg, log, bind } = setup();
    const model = await reg.models.get('table')!.load({ size: 40 }, ctx);
    const [r] = await reg.datasets.get('facts')!.load({ n: 1 }, ctx) as CellRecord[];
    const scorer = counting(model.scorer);
    const all = await metricValues(scorer, r!, bind('p-eff', 'p-gen', 'p-loc', 'p-loc-max', 'efficacy', 'generalization', 'locality'));
    expect(log).toEqual([['edit', 'paraphrase', 'neighbourhood']]);
    // the same values as the fakes' own metrics, which score each prompt on its own (2 score() calls a prompt)
    expect([all['p-eff'], all['p-gen'], all['p-loc'], all['p-loc-max']]).toEqual([all['efficacy'], all['generalization'], all['locality'], all['locality']]);
    expect(scorer.calls).toBe(1 + 3 * 2);
    log.length = 0;
    expect(await metricValues(model.scorer, r!, bind('p-gen'))).toEqual({ 'p-gen': 0 });
    expect(log).toEqual([['paraphrase']]); // only the probes the cell's metrics read
  });
});

describe('protocols', () => {
  it('sequential with evalEach: after all T edits (neighbours edited) and right after each own edit', async () => {
    const { out, calls, log, mean } = await cell({ kind: 'sequential', T: 3, evalEach: true }, ['p-eff', 'p-loc', 'edit-ms']);
    expect(calls).toEqual(Array(12).fill(1));
    expect(mean('p-loc')).toBeCloseTo(1 / 3, 12); // the group's first two neighbours were edited too
    expect(mean('p-loc@each')).toBe(1); // right after its own edit, a record's neighbour was still untouched
    expect(mean('p-eff')).toBe(1);
    expect(mean('p-eff@each')).toBe(1);
    expect(out.records[0]!.values['edit-ms']).toBe(2); // costs are not measured again per step
    expect(out.records[0]!.values['edit-ms@each']).toBeUndefined();
    expect(log).toHaveLength(24); // 12 records × (once after each edit + once after the group)
  });

  it('unlearn: the whole forget set in one call, or as sequential or batched edits; evaluated after all', async () => {
    const whole = await cell({ kind: 'unlearn' }, ['p-eff', 'p-loc']);
    expect(whole.calls).toEqual([12]);
    expect(whole.mean('p-eff')).toBe(1);
    expect(whole.mean('p-loc')).toBeCloseTo(1 / 12, 12); // only the last record's neighbour is outside the set
    const seq = await cell({ kind: 'unlearn', apply: 'sequential' }, ['p-eff', 'p-loc']);
    expect(seq.calls).toEqual(Array(12).fill(1));
    const batched = await cell({ kind: 'unlearn', apply: 'batch', size: 5 }, ['p-eff', 'p-loc']);
    expect(batched.calls).toEqual([5, 5, 2]);
    for (const c of [seq, batched]) expect(c.out.records).toEqual(whole.out.records);
    expect(batched.facts.get('Subject 0 lives in')).toBe(' City0'); // every call undone
  });
});

describe('through a run', () => {
  let ws: TmpWorkspace;
  afterEach(() => ws?.cleanup());

  it('@each columns, an unlearning row over the whole set, a max-aggregated metric', async () => {
    const spec = BASE_SPEC.replace('metrics: [efficacy, generalization, locality, score]', 'metrics: [p-eff, p-gen, p-loc, p-loc-max]')
      + 'protocols: [{ kind: single }, { kind: sequential, T: 3, evalEach: true }, { kind: unlearn }]\n';
    ws = tmpWorkspace({ 'spec.yaml': spec });
    const res = await runExperiment('spec.yaml', setup().reg, ws, { renderer: 'silent' });
    expect(paperColumns(readFileSync(`${ws.resultsDir}/fake.csv`, 'utf8')).trim().split('\n')).toEqual([
      'model,dataset,method,hparams,protocol,n,p-eff,p-gen,p-loc,p-loc-max,p-eff@each,p-gen@each,p-loc@each,p-loc-max@each,status,error',
      'table,facts,table-ft,,single,12,100.00,0.00,100.00,100.00,nan,nan,nan,nan,ok,',
      'table,facts,table-ft,,"sequential(T=3,evalEach)",12,100.00,0.00,33.33,100.00,100.00,0.00,100.00,100.00,ok,',
      'table,facts,table-ft,,unlearn,12,100.00,0.00,8.33,100.00,nan,nan,nan,nan,ok,',
    ]);
    // chunk 4: single → 3 cells, sequential(T=3) → 2 (6 records each), unlearn → 1 (the whole set); + the stage
    expect(res.run.executed).toHaveLength(1 + 3 + 2 + 1);
  });
});
