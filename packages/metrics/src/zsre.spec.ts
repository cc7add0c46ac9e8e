import { describe, expect, it } from 'vitest';
import { tableScorer } from './fake-scorer';
import { zsreMetrics } from './zsre';

describe('zsreMetrics (MEMIT token accuracy)', () => {
  it('token-level top-1 accuracy with the target prefix teacher-forced; loc gets "?"', async () => {
    const z = tableScorer({
      dists: {
        'Who founded X?': { ' Bob': 0.6 },
        'Who founded X? Bob': { ' Jones': 0.7, ' Smith': 0.2 },
        'Who started X?': { ' Al': 0.5, ' Bob': 0.1 },
        'Who started X? Bob': { ' Jones': 0.9 },
        'Where is Y?': { ' Oslo': 0.9 },
      },
    });
    const r = await zsreMetrics(z, [{ src: 'Who founded X?', rephrase: 'Who started X?', target: 'Bob Smith', loc: 'Where is Y', locAns: 'Oslo' }]);
    expect(r.efficacy).toBeCloseTo(50, 10);
    expect(r.generalization).toBe(0);
    expect(r.locality).toBe(100);
    await expect(zsreMetrics(z, [{ src: 'a', rephrase: 'b', target: 'c', loc: 'd', locAns: '' }])).rejects.toThrow(/loc_ans/);
  });
});
