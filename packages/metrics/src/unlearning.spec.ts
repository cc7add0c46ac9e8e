import { describe, expect, it } from 'vitest';
import { collapseFlag } from './collapse';
import { measureCost } from './cost';
import { tableScorer } from './fake-scorer';
import { multipleChoiceAccuracy } from './mcq';
import { unlearningMetrics } from './unlearning';

const scorer = tableScorer({
  dists: {
    'Q:': { ' London': 0.5, ' Berlin': 0.2, ' Paris': 0.2 },
    'Q: Paris': { ' France': 0.9 },
    'Q2:': { ' a': 0.5, ' b': 0.3 },
  },
  generations: { 'Q:': ' Paris is the answer\nmore text', 'Q2:': '' },
});

describe('unlearningMetrics (teacher-forced ranks)', () => {
  it('two-token answer: probability, P^(1/|a|), MRR, top-hit, ROUGE, truth ratio by hand', async () => {
    const r = await unlearningMetrics(scorer, [{ prompt: 'Q:', answer: 'Paris France', perturbed: ['London'] }], { stop: ['\n'], topM: 1 });
    const it0 = r.items[0]!;
    // p(" Paris") = .2 at rank 2 (tied with " Berlin", behind " London"); p(" France") = .9 at rank 1
    expect(it0.probability).toBeCloseTo(0.18, 12);
    expect(it0.normalizedProbability).toBeCloseTo(Math.sqrt(0.18), 12);
    expect(it0.mrr).toBeCloseTo((1 / 2 + 1) / 2, 12);
    expect(it0.topHit).toBeCloseTo(0.5, 12); // m = 1: only " France"
    expect(it0.generation).toBe('Paris is the answer');
    expect(it0.rouge1Recall).toBe(0.5);
    expect(it0.rougeLRecall).toBe(0.5);
    // R = P_norm(pert) / P_norm(answer) = 0.5 / √0.18
    expect(it0.truthRatio).toBeCloseTo(0.5 / Math.sqrt(0.18), 10);
    expect(r.truthRatioTrueBetter).toBe(0);
    expect(r.truthRatioCloserTo1).toBeCloseTo(Math.sqrt(0.18) / 0.5, 10);
  });

  it('single-token unlisted answer, empty generation, default m = 100, means over items', async () => {
    const r = await unlearningMetrics(scorer, [
      { prompt: 'Q2:', answer: 'Rome' },
      { prompt: 'Q:', answer: 'Paris France' },
    ]);
    const it0 = r.items[0]!;
    expect(it0.probability).toBeCloseTo(1e-4, 12);
    expect(it0.mrr).toBeCloseTo(1 / 3, 12); // behind " a" and " b"
    expect(it0.topHit).toBe(1);
    expect(it0.rouge1Recall).toBe(0);
    expect(it0.truthRatio).toBeNaN();
    expect(r.mrr).toBeCloseTo((1 / 3 + 0.75) / 2, 12);
    expect(r.probability).toBeCloseTo((1e-4 + 0.18) / 2, 12);
    expect(r.truthRatioTrueBetter).toBeNaN(); // no item has perturbed answers
  });

  it('rejects empty answers and bad options; an empty set gives NaN', async () => {
    await expect(unlearningMetrics(scorer, [{ prompt: 'Q:', answer: '' }])).rejects.toThrow(/record 0, field "answer"/);
    await expect(unlearningMetrics(scorer, [], { topM: 0 })).rejects.toThrow(/topM/);
    expect((await unlearningMetrics(scorer, [])).mrr).toBeNaN();
  });
});

describe('multipleChoiceAccuracy', () => {
  const mc = tableScorer({
    dists: {
      Q1: { ' A': 0.2, ' B': 0.5, ' C': 0.3 },
      Q2: { ' A': 0.4, ' B': 0.4 },
      Q3: { ' x': 0.5, ' z': 0.3 },
      'Q3 x': { ' y': 0.5 },
    },
  });
  it('argmax of summed log-probability; ties go to the first choice', async () => {
    const r = await multipleChoiceAccuracy(mc, [
      { prompt: 'Q1', choices: [' A', ' B', ' C'], answer: 1 },
      { prompt: 'Q2', choices: [' A', ' B'], answer: 1 },
    ]);
    expect(r.predictions).toEqual([1, 0]);
    expect(r.accuracy).toBe(50);
  });
  it('sum vs mean differ on choices of different lengths', async () => {
    const item = { prompt: 'Q3', choices: [' x y', ' z'], answer: 0 };
    expect((await multipleChoiceAccuracy(mc, [item])).predictions).toEqual([1]); // .25 < .3
    expect((await multipleChoiceAccuracy(mc, [item], { reduce: 'mean' })).predictions).toEqual([0]); // .5 > .3
    await expect(multipleChoiceAccuracy(mc, [{ ...item, answer: 2 }])).rejects.toThrow(/field "answer"/);
  });
});

describe('collapse flag and cost', () => {
  it('flags only when retain ROUGE and fluency are both low (mode all); any flags on either', () => {
    expect(collapseFlag({ retainRouge: 0.02, fluency: 10 }).collapsed).toBe(true);
    expect(collapseFlag({ retainRouge: 0.02, fluency: 500 }).collapsed).toBe(false);
    expect(collapseFlag({ retainRouge: 0.02, fluency: 500 }, { mode: 'any' }).reasons).toEqual(['retain ROUGE 0.020 < 0.1']);
    expect(collapseFlag({ retainRouge: Number.NaN, fluency: Number.NaN }).collapsed).toBe(true);
  });
  it('measureCost returns the value, wall time and a positive peak memory', async () => {
    const m = await measureCost(() => new Promise<number>((res) => setTimeout(() => res(7), 30)));
    expect(m.value).toBe(7);
    expect(m.wallMs).toBeGreaterThanOrEqual(25);
    expect(m.peakRssBytes).toBeGreaterThan(0);
  });
});
