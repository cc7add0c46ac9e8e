// KnowEdit's protocol (./knowedit.ts): token accuracy of the rewrite, portability families on the
// Generalization side, locality families on the Locality side, best alias per probe, one scoring call.
import type { EditRecord } from '@editlab/datasets';
import { describe, expect, it } from 'vitest';
import { evaluateEditRecord } from './edit-record';
import { tableScorer } from './fake-scorer';
import { familySide, knowEditMetrics } from './knowedit';
import type { ScoreRequest } from './scorer';
import { EDIT_SPLITS, type Split } from './splits';

const rec: EditRecord = {
  kind: 'edit', source: 'knowedit', version: 1, id: 'k1', prompt: 'Ada lives in', subject: 'Ada', targetNew: 'Rome', targetTrue: 'Oslo',
  paraphrasePrompts: ['Ada resides in'], neighborhood: [], attribute: [], generationPrompts: [],
  portability: [
    { prompt: 'The mayor of the city Ada lives in is', answers: ['Gian Rossi'], family: 'Reasoning' },
    { prompt: 'Countess A. lives in', answers: ['Roma', 'Rome'], family: 'Subject_Aliasing' },
  ],
  locality: [
    { prompt: 'Ada works for', answers: ['Acme'], family: 'Relation_Specificity' },
    { prompt: 'Ada speaks', answers: ['Norwegian'], family: 'Relation_Specificity' },
  ],
};
const scorer = tableScorer({
  dists: {
    'Ada lives in': { ' Rome': 0.9 },
    'The mayor of the city Ada lives in is': { ' Gian': 0.6, ' Ola': 0.3 },
    'The mayor of the city Ada lives in is Gian': { ' Bianchi': 0.5, ' Rossi': 0.4 },
    'Countess A. lives in': { ' Oslo': 0.5, ' Rome': 0.4, ' Roma': 0.05 },
    'Ada works for': { ' Acme': 0.8 },
    'Ada speaks': { ' Italian': 0.7, ' Norwegian': 0.2 },
  },
});

describe('knowEditMetrics', () => {
  it('scores token accuracy per probe, families per side, the best alias', async () => {
    const r = await knowEditMetrics(scorer, rec, EDIT_SPLITS);
    expect(r.efficacy).toBe(1);
    // Reasoning: " Gian" is the argmax, " Rossi" is not → 1/2; aliasing: neither " Roma" nor " Rome" is the argmax → 0.
    expect(r.families).toEqual({ Reasoning: 0.5, Subject_Aliasing: 0, Relation_Specificity: 0.5 });
    expect(r.generalization).toBe(0.25); // mean over the two portability families
    expect(r.locality).toBe(0.5);
  });

  it('counts a RippleEdits record\'s specificity tests as locality, in one score() call, only the splits asked', async () => {
    const calls: ScoreRequest[][] = [];
    const s = { ...scorer, score: (q: readonly ScoreRequest[]) => (calls.push([...q]), scorer.score(q)) };
    const ripple: EditRecord = { ...rec, source: 'rippleedits', portability: [...rec.portability, ...rec.locality], locality: [] };
    const p = await evaluateEditRecord(s, ripple, new Set<Split>(['edit', 'neighbourhood']));
    expect(p.format).toBe('knowedit');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map((q) => q.prompt)).toEqual(['Ada lives in', 'Ada works for', 'Ada speaks']);
    if (p.format !== 'knowedit') throw new Error('format');
    expect(p.values.locality).toBe(0.5);
    expect(p.values.generalization).toBeNaN();
    expect(familySide('Forgetfulness')).toBe('locality');
    expect(familySide('Compositionality_II')).toBe('portability');
  });

  it('takes a WikiData_recent record without a true target', async () => {
    const { targetTrue: _, ...recent } = rec;
    const p = await evaluateEditRecord(scorer, recent, EDIT_SPLITS);
    expect(p.format === 'knowedit' && p.values.efficacy).toBe(1);
  });
});
