import { describe, expect, it } from 'vitest';
import { tableScorer } from './fake-scorer';
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
