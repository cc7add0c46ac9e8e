import { describe, expect, it } from 'vitest';
import { counterfactMetrics, type CounterFactCase } from './counterfact';
import { MetricsError } from './errors';
import { tableScorer } from './fake-scorer';

// Record 1: single-token targets. Record 2: a two-token new target, no neighborhood prompts.
const scorer = tableScorer({
  dists: {
    'The Eiffel Tower is in': { ' Rome': 0.6, ' Paris': 0.3, ' London': 0.1 },
    'The Eiffel Tower lies in': { ' Paris': 0.5, ' Rome': 0.25 },
    'The Louvre is in': { ' Paris': 0.7, ' Rome': 0.2 },
    'Notre Dame is in': { ' Rome': 0.4, ' Paris': 0.4 },
    'X plays': { ' jazz': 0.5, ' rock': 0.4 },
    'X plays jazz': { ' guitar': 0.8, ' piano': 0.2 },
    'X performs': { ' jazz': 0.9 },
  },
});
const cases: CounterFactCase[] = [
  {
    rewritePrompts: ['The Eiffel Tower is in'],
    paraphrasePrompts: ['The Eiffel Tower lies in'],
    neighborhoodPrompts: ['The Louvre is in', 'Notre Dame is in'],
    targetNew: 'Rome',
    targetTrue: 'Paris',
  },
  { rewritePrompts: ['X plays'], paraphrasePrompts: ['X performs'], neighborhoodPrompts: [], targetNew: 'jazz piano', targetTrue: 'rock' },
];

describe('counterfactMetrics (MEMIT protocol)', () => {
  it('matches hand-computed ES/PS/NS, magnitudes, Score and token accuracies', async () => {
    const s = await counterfactMetrics(scorer, cases);
    // rec1: ES 1 (0.6 > 0.3), PS 0 (0.25 < 0.5), NS mean(1, tie→0) = 0.5.
    // rec2: NLL(new) = −(ln .5 + ln .2)/2 = 1.1513 > NLL(true) = −ln .4 = 0.9163 → ES 0;
    //       paraphrase: NLL(new) = −(ln .9 + ln 1e-4)/2 = 4.658 < −ln 1e-4 = 9.21 → PS 1.
    expect(s.records[0]).toMatchObject({ efficacy: 1, generalization: 0, locality: 0.5 });
    expect(s.records[1]!.efficacy).toBe(0);
    expect(s.records[1]!.generalization).toBe(1);
    expect(s.records[1]!.locality).toBeNaN();
    expect(s.efficacy).toBeCloseTo(50, 10);
    expect(s.generalization).toBeCloseTo(50, 10);
    expect(s.locality).toBeCloseTo(50, 10); // only record 1 has neighborhoods
    expect(s.score).toBeCloseTo(50, 10);
    // ES magnitude: mean(0.6 − 0.3, √(.5·.2) − 0.4) ×100
    expect(s.efficacyMagnitude).toBeCloseTo(100 * ((0.3 + Math.sqrt(0.1) - 0.4) / 2), 8);
    // NS magnitude (record 1): mean(0.7 − 0.2, 0.4 − 0.4)
    expect(s.localityMagnitude).toBeCloseTo(25, 8);
    // token accuracy: rec1 " Rome" top-1; rec2 " jazz" top-1, " piano" rank 2 → 0.5
    expect(s.efficacyTokenAcc).toBeCloseTo(75, 10);
    expect(s.localityTokenAcc).toBeCloseTo(100, 10); // ties share rank 1
  });

  it('Score is 0 when one component is 0; empty sets give NaN; bad records are named', async () => {
    const one = await counterfactMetrics(scorer, [cases[0]!]);
    expect(one.score).toBe(0);
    const none = await counterfactMetrics(scorer, []);
    expect(none.efficacy).toBeNaN();
    await expect(counterfactMetrics(scorer, [{ ...cases[0]!, targetNew: ' ' }])).rejects.toThrow(/record 0, field "target_new"/);
    await expect(counterfactMetrics(scorer, [{ ...cases[0]!, rewritePrompts: [] }])).rejects.toBeInstanceOf(MetricsError);
  });
});
