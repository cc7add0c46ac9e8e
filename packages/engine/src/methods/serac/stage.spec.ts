// SERAC's scope pairs (./stage.ts): with scopeSubjectNegatives, a tuning edit's same-subject probes join its
// out-of-scope prompts (the cause test of ForGet F-T6c); without them the pairs are the reference's.
import { describe, expect, it } from 'vitest';
import { MethodInputError } from '../common/errors';
import type { TuningRecord } from '../editor';
import { scopedEdits, scopePairs, withSubjectNegatives } from './stage';

const rec = (s: string, same?: string[]): TuningRecord => ({
  request: { kind: 'rewrite', prompt: `${s} lives in`, subject: s, targetNew: ' X', targetTrue: ' Y' },
  paraphrases: [`Where does ${s} live?`],
  neighbours: [{ prompt: `Other${s} lives in`, target: ' Z' }],
  ...(same ? { sameSubject: same.map((p) => ({ prompt: p, target: ' W' })) } : {}),
});

describe('SERAC scope pairs with same-subject negatives', () => {
  it('adds the first n same-subject prompts of each edit as out-of-scope pairs', () => {
    const tuning = [rec('A', ['A was born in', 'A works as a', 'A speaks']), rec('B', ['B was born in'])];
    const edits = scopedEdits(tuning, 'serac');
    expect(withSubjectNegatives(edits, tuning, 0)).toBe(edits);
    const two = withSubjectNegatives(edits, tuning, 2);
    expect(two.map((e) => e.outOfScope)).toEqual([['OtherA lives in', 'A was born in', 'A works as a'], ['OtherB lives in', 'B was born in']]);
    const { texts, pairs } = scopePairs(two, 0, 1);
    const out = pairs.filter((p) => !p.inScope).map((p) => texts[p.query]);
    expect(out).toEqual(['OtherA lives in', 'A was born in', 'A works as a', 'OtherB lives in', 'B was born in']);
    expect(pairs.filter((p) => p.inScope)).toHaveLength(4); // prompt + paraphrase of each edit, unchanged
  });

  it('refuses a split without same-subject probes (a real file) when asked for them', () => {
    const tuning = [rec('A'), rec('B')];
    expect(() => withSubjectNegatives(scopedEdits(tuning, 'serac'), tuning, 1)).toThrow(MethodInputError);
    expect(() => withSubjectNegatives(scopedEdits(tuning, 'serac'), tuning, 1)).toThrow(/scopeSubjectNegatives 1 needs a tuning split with same-subject probes/);
  });
});
