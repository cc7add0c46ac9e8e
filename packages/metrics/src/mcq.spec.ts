import { describe, expect, it } from 'vitest';
import { tableScorer } from './fake-scorer';
import { multipleChoiceAccuracy } from './mcq';

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
