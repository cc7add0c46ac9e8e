// The unlearning datasets and metrics of the runner: the world's TOFU and PISTOL sets split into forget
// and retain as the paper does, real files with located errors, the metrics on a hand-built scorer
// (exact values) and on the committed tiny-gpt2 (it knows the world's facts before unlearning), and a
// spec with the `unlearn` protocol and a forget-only fake method end to end, with the status column.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { qaPrompt, renderTofu, buildWorld, REFUSAL_POOL } from '@editlab/datasets';
import type { CellRecord, ForgetRequest, Scorer } from '../registries';
import { defaultRegistries } from '../defaults';
import { runExperiment } from '../experiment';
import { metricValues } from '../exec/cell';
import { tmpWorkspace } from '../testing/tmp';
import { QaScorer, worldQaRegistries } from '../testing/world-qa';
import { paperColumns } from '../testing/csv';
import { haveModel, haveShared, SHARED, testCtx as ctx, useDefaultModel } from '../testing/default-model';
import { share, unlearnFile, worldPistolEntry, worldTofuEntry, type UnlearnData } from './unlearn-datasets';
import { DEFAULT_WORLD } from '../pretrain/presets';
import { STATUS_THRESHOLDS, UNLEARN_METRICS, unlearnVerdict } from './unlearn-metrics';

const dataOf = (r: CellRecord) => r.data as unknown as UnlearnData;
const forgetOf = (r: CellRecord) => r.request as ForgetRequest;
const metric = (id: string) => UNLEARN_METRICS.find((m) => m.id === id)!;
const bound = (ids: readonly string[]) => ids.map((id) => ({ use: { id, column: id, params: {} }, entry: metric(id) }));

describe('unlearning datasets', () => {
  it('world-tofu: forgetSize forget requests, the other 160 items in equal retain shares, one rephrased question each', async () => {
    const recs = await worldTofuEntry.load({ forgetSize: 40 }, ctx);
    expect(worldTofuEntry.requestKind).toBe('forget');
    expect(recs).toHaveLength(40);
    const d = dataOf(recs[0]!);
    expect(d.retain).toHaveLength(4); // (200 − 40) / 40
    expect(d.rephrased).toHaveLength(1);
    expect(d.rephrased[0]!.prompt).not.toBe(d.forget.prompt);
    expect(d.rephrased[0]!.answer).toBe(d.forget.answer);
    const q = forgetOf(recs[0]!);
    expect(q.kind).toBe('forget');
    expect(q.question).toBe(d.forget.prompt);
    expect(q.question).toMatch(/^Question: .*\nAnswer:$/);
    expect(q.answer).toBe(` ${d.forget.answer}`);
    expect(q.question).toContain(q.subject!);
    expect(q.rephrasings).toEqual([d.rephrased[0]!.prompt]);
    expect(REFUSAL_POOL.map((x) => ` ${x}`)).toContain(q.refusal);
    // Forget and retain are disjoint and together the whole set (the 160 non-forgotten items, once each).
    const forget = new Set(recs.map((r) => dataOf(r).forget.prompt));
    const retain = recs.flatMap((r) => dataOf(r).retain.map((x) => x.prompt));
    expect(new Set(retain).size).toBe(160);
    expect(retain.some((p) => forget.has(p))).toBe(false);
    const world = renderTofu(buildWorld(1, 'default', {}, { version: DEFAULT_WORLD.version })) as { question: string }[];
    expect(recs.map((r) => dataOf(r).forget.prompt)).toEqual(world.slice(0, 40).map((x) => qaPrompt(x.question)));
    expect(await worldTofuEntry.loadSplit!('retain', { forgetSize: 40 }, ctx)).toHaveLength(160);
    const shifted = await worldTofuEntry.load({ forgetSize: 40, offset: 40 }, ctx);
    expect(shifted.some((r) => forget.has(dataOf(r).forget.prompt))).toBe(false);
  });

  it('world-pistol: whole contracts (20 QA each), no rephrased split; a size off a contract boundary is an error', async () => {
    const one = await worldPistolEntry.load({ forgetSize: 20 }, ctx);
    expect(one).toHaveLength(20);
    expect(new Set(one.map((r) => r.id.split('-')[0])).size).toBe(1);
    expect(dataOf(one[0]!).retain).toHaveLength(19); // 380 other QA / 20
    expect(dataOf(one[0]!).rephrased).toEqual([]);
    expect(dataOf(one[0]!).factual).toBeUndefined();
    const two = await worldPistolEntry.load({ forgetSize: 40, offset: 1 }, ctx);
    expect(new Set(two.map((r) => r.id.split('-')[0])).size).toBe(2);
    expect(two.some((r) => r.id === one[0]!.id)).toBe(false);
    await expect(worldPistolEntry.load({ forgetSize: 30 }, ctx)).rejects.toThrow(/forgetSize 30 does not end on a contract boundary .* it can be 20, 40, 60/);
    const withFactual = await worldPistolEntry.load({ forgetSize: 20, factual: true }, ctx);
    expect(dataOf(withFactual[0]!).factual).toHaveLength(10); // the 200 world TOFU items / 20
  });

  it('share: equal shares, every item at most once', () => {
    expect([0, 1, 2].map((i) => share([..."abcdefgh"], i, 3))).toEqual([['a', 'd'], ['b', 'e'], ['c', 'f']]);
  });

  it('a refusals file replaces the pool; a bad one is a named error', async () => {
    const ws = tmpWorkspace({ 'r.txt': 'Nope.\nNo idea.\n', 'bad.json': '["ok", 3]' });
    try {
      const recs = await worldTofuEntry.load({ forgetSize: 10, refusals: 'r.txt' }, { seed: 0, specDir: ws.cwd });
      expect(new Set(recs.map((r) => forgetOf(r).refusal))).toEqual(new Set([' Nope.', ' No idea.']));
      await expect(worldTofuEntry.load({ forgetSize: 10, refusals: 'bad.json' }, { seed: 0, specDir: ws.cwd })).rejects.toThrow(/bad\.json entry 1: expected a non-empty list/);
    } finally {
      ws.cleanup();
    }
  });

  it('unlearn-file: malformed records give located errors; editing files are refused', async () => {
    const ws = tmpWorkspace({
      'tofu.json': [{ question: 'Q1?', answer: 'A' }, { question: 'Q2?', answer: 7 }].map((r) => JSON.stringify(r)).join('\n'),
      'pistol.json': JSON.stringify([{ question: 'Q?', answer: 'A.', edge: 'A_B' }, { question: 'Q?', answer: 'A.' }]),
      'cf.json': JSON.stringify([{ src: 'Q?', alt: 'x', answers: ['y'], rephrase: 'R?', loc: 'l', loc_ans: 'z', subject: 'S' }]),
    });
    const c = { seed: 0, specDir: ws.cwd };
    try {
      await expect(unlearnFile.load({ path: 'tofu.json', format: 'tofu', forgetSize: 1 }, c)).rejects.toThrow(/tofu\.json record 1 field answer: expected a string/);
      await expect(unlearnFile.load({ path: 'pistol.json', format: 'pistol', forgetSize: 1 }, c)).rejects.toThrow(/pistol\.json record 1 field edge: missing/);
      await expect(unlearnFile.load({ path: 'cf.json', forgetSize: 1 }, c)).rejects.toThrow(/no QA records \(format zsre-mend\)/);
    } finally {
      ws.cleanup();
    }
  });

  it.skipIf(!haveShared)('unlearn-file: the real TOFU factual and PISTOL dev files (skipped without ../shared/data)', async () => {
    const tofu = await unlearnFile.load({ path: join(SHARED, 'tofu/factual_data.json'), forgetSize: 40 }, ctx);
    expect(tofu).toHaveLength(40);
    expect(dataOf(tofu[0]!).forget).toEqual({ prompt: "Question: Who wrote the play 'Romeo and Juliet'?\nAnswer:", answer: 'William Shakespeare' });
    expect(dataOf(tofu[0]!).retain).toHaveLength(2); // ⌊(152 − 40) / 40⌋
    expect(dataOf(tofu[0]!).rephrased).toEqual([]); // real files have no rephrased questions: the split is empty
    const pistol = await unlearnFile.load({ path: join(SHARED, 'pistol/sample_data_1.dev.json'), forgetSize: 40 }, ctx);
    expect(new Set(pistol.map((r) => r.id.split('-')[0]))).toEqual(new Set(['A_B', 'A_C']));
    expect(dataOf(pistol[0]!).retain).toHaveLength(6); // ⌊240 / 40⌋
    const t4 = await unlearnFile.load({ path: join(SHARED, 'pistol/sample_data_1.dev.json'), forgetSize: 20, factualPath: join(SHARED, 'tofu/world_facts_perturbed.json') }, ctx);
    expect(dataOf(t4[0]!).factual).toHaveLength(4); // ⌊82 / 20⌋
  });
});

/**
 * A table model over QA prompts: a known (prompt → answer) scores one token of probability 0.5 at rank 1,
 * anything else probability 0.01 at rank 200; greedy answers are the table's (or " unknown").
 */
describe('unlearning metrics on a hand-built scorer', () => {
  it('forget, retain and rephrased values; one evaluator call for every split; the summary score and verdict', async () => {
    const [rec] = await worldTofuEntry.load({ worldSize: 'tiny', forgetSize: 2 }, ctx);
    const d = dataOf(rec!);
    expect(d.retain).toHaveLength(4);
    const facts = new Map([d.forget, ...d.rephrased, ...d.retain.slice(0, 3)].map((x) => [x.prompt, ` ${x.answer}`] as const));
    facts.set(d.forget.prompt, " I don't know."); // forgotten; its rephrasing is not; one retain item lost
    const ids = ['rouge1', 'prob', 'prob-norm', 'mrr', 'hit100'].flatMap((m) => ['forget', 'retain', 'rephrased'].map((s) => `${m}-${s}`));
    let calls = 0;
    const scorer = new QaScorer(facts);
    const counted: Scorer = { score: (r) => (calls++, scorer.score(r)), generate: (p) => scorer.generate(p), tokenize: (t) => scorer.tokenize(t) };
    const v = await metricValues(counted, rec!, bound(ids));
    expect(calls).toBe(1);
    expect(v['rouge1-forget']).toBe(0);
    expect(v['prob-forget']).toBeCloseTo(0.01, 12);
    expect(v['mrr-forget']).toBeCloseTo(1 / 200, 12);
    expect(v['hit100-forget']).toBe(0);
    expect(v['rouge1-rephrased']).toBe(1);
    expect(v['prob-rephrased']).toBeCloseTo(0.5, 12);
    expect(v['rouge1-retain']).toBeCloseTo(3 / 4, 12);
    expect(v['prob-retain']).toBeCloseTo((3 * 0.5 + 0.01) / 4, 12);
    expect(v['prob-norm-retain']).toBeCloseTo((3 * 0.5 + 0.01) / 4, 12); // one token: P^(1/1) = P
    expect(v['mrr-retain']).toBeCloseTo((3 + 1 / 200) / 4, 12);
    expect(v['hit100-retain']).toBeCloseTo(3 / 4, 12);
    expect(metric('unlearn-score').derive!.combine([0, 0.75])).toBeCloseTo(1.75, 12);
    // The figures' 1 − R1 axes and Table 2's "(x↑)", from the table values they name.
    expect(metric('forget-score').derive!.from).toEqual(['rouge1-forget']);
    expect(metric('forget-score').derive!.combine([0.25])).toBeCloseTo(0.75, 12);
    expect(metric('rephrase-score').derive!.from).toEqual(['rouge1-rephrased']);
    expect(metric('rephrase-score').derive!.combine([0.4])).toBeCloseTo(0.6, 12);
    expect(metric('rephrase-gap').derive!.from).toEqual(['rouge1-rephrased', 'rouge1-forget']);
    expect(metric('rephrase-gap').derive!.combine([0.42, 0.3])).toBeCloseTo(0.12, 12);
  });

  it('a second dataset: the factual share of a PISTOL record is scored as split general (Table 4)', async () => {
    const [rec] = await worldPistolEntry.load({ forgetSize: 20, factual: true }, ctx);
    const d = dataOf(rec!);
    const facts = new Map(d.factual!.slice(0, 4).map((x) => [x.prompt, ` ${x.answer}`] as const)); // knows 4 of its 10
    const v = await metricValues(new QaScorer(facts), rec!, bound(['rouge1-factual', 'prob-factual', 'hit100-factual']));
    expect(v['rouge1-factual']).toBeCloseTo(0.4, 12);
    expect(v['prob-factual']).toBeCloseTo((4 * 0.5 + 6 * 0.01) / 10, 12);
    expect(v['hit100-factual']).toBeCloseTo(0.4, 12);
    await expect(worldPistolEntry.load({ worldSize: 'tiny', forgetSize: 20, factual: true }, ctx)).rejects.toThrow(/factual set has 10 item\(s\), fewer than the 20 forget records/);
  });

  it('the verdict: collapsed under the retain floor, no forgetting within the margin of the value before', () => {
    const { retainFloor: floor, forgetMargin: margin } = STATUS_THRESHOLDS;
    expect(unlearnVerdict([0, floor - 0.01, 0.9])).toBe('collapsed');
    expect(unlearnVerdict([0.9 - margin + 0.01, 0.8, 0.9])).toBe('no-forgetting');
    expect(unlearnVerdict([0.9 - margin - 0.01, 0.8, 0.9])).toBeUndefined();
  });
});

describe.skipIf(!haveModel)('on the committed tiny-gpt2 (skipped when models/tiny-gpt2 is absent)', () => {
  const gpt2 = useDefaultModel('tiny-gpt2');

  it('before unlearning the model knows the world\'s TOFU facts: forget and retain ROUGE-1 are high', async () => {
    const model = gpt2();
    const recs = await worldTofuEntry.load({ forgetSize: 10 }, ctx);
    let forget = 0;
    let retain = 0;
    for (const r of recs) {
      const v = await metricValues(model.scorer, r, bound(['rouge1-forget', 'rouge1-retain', 'hit100-forget']));
      forget += v['rouge1-forget']! / recs.length;
      retain += v['rouge1-retain']! / recs.length;
      expect(v['hit100-forget']).toBeGreaterThan(0.5);
    }
    expect(forget).toBeGreaterThanOrEqual(0.8);
    expect(retain).toBeGreaterThanOrEqual(0.8);
  });
});

describe('an unlearning spec end to end on fakes', () => {
  const ws = tmpWorkspace();
  afterAll(() => ws.cleanup());

  it('the unlearn protocol forgets the whole forget set; the status column greys collapse and no forgetting', async () => {
    ws.write({
      'spec.yaml': `name: u
seed: 0
output: u.csv
models: [{ model: qa-table }]
datasets: [{ dataset: world-tofu, label: tofu, params: { worldSize: tiny, forgetSize: 2 } }]
methods:
  - { method: fake-forget, matrix: { mode: [refuse, nothing, wipe] } }
protocols: [{ kind: unlearn }]
metrics: [rouge1-forget, rouge1-retain, rouge1-rephrased, prob-forget, rouge1-forget-before, unlearn-score, unlearn-status]
`,
    });
    await runExperiment(join(ws.cwd, 'spec.yaml'), worldQaRegistries(), ws, { renderer: 'silent' });
    const lines = paperColumns(readFileSync(join(ws.resultsDir, 'u.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('model,dataset,method,hparams,protocol,n,rouge1-forget,rouge1-retain,rouge1-rephrased,prob-forget,rouge1-forget-before,unlearn-score,status,error');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => [r[3], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12]])).toEqual([
      ['mode=refuse', '2', '0.0000', '1.0000', '1.0000', '0.0100', '1.0000', '2.0000', 'ok'],
      ['mode=nothing', '2', '1.0000', '1.0000', '1.0000', '0.5000', '1.0000', '1.0000', 'no-forgetting'],
      ['mode=wipe', '2', '0.0000', '0.0000', '0.0000', '0.0100', '1.0000', '1.0000', 'collapsed'],
    ]);
  });
});
