import { describe, expect, it } from 'vitest';
import type { Request } from '../editor';
import { factsByRelation, overallRanking } from './locate-stage';

describe('locate stage helpers', () => {
  it('facts are grouped by relation (forget requests as their rewrite); the overall ranking sums degrees, ties to the lower layer', () => {
    const rec = (id: string, rel: string | undefined, t?: string): Request => ({
      prompt: `p${id}`, subject: `s${id}`, targetNew: ' n', ...(t ? { targetTrue: t } : {}), ...(rel ? { relationId: rel } : {}),
    });
    const g = factsByRelation([rec('1', 'P1', ' a'), rec('2', 'P2', ' b'), rec('3', 'P1', ' c'), rec('4', 'P1'), { kind: 'forget', question: 'Who is Ada?', answer: ' d' }]);
    expect([...g.keys()]).toEqual(['P1', 'P2', '']);
    expect(g.get('P1')!.map((f) => f.target)).toEqual([' a', ' c']);
    expect(g.get('')).toEqual([{ prompt: 'Who is Ada?', subject: 'Ada', target: ' d' }]);
    const r = (deg: number[]) => ({ mlpDegree: deg });
    expect(overallRanking([r([3, 1, 2, 0]), r([0, 2, 2, 1])], 4)).toEqual([2, 0, 1, 3]); // sums 3, 3, 4, 1
    expect(overallRanking([r([1, 5, 0, 5])], 4)).toEqual([1, 3, 0, 2]);
  });
});
