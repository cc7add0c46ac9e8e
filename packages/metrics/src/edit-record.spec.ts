// The per-record evaluator of editing records: one scoring call for every probe a cell's metrics
// read, only the splits asked for, the same values as the whole-protocol functions.
import type { EditRecord } from '@editlab/datasets';
import { describe, expect, it } from 'vitest';
import { counterfactCase, zsreCase } from './adapters';
import { counterfactMetrics } from './counterfact';
import { evaluateEditRecord } from './edit-record';
import { tableScorer } from './fake-scorer';
import type { ScoreRequest, Scorer } from './scorer';
import { EDIT_SPLITS, type Split } from './splits';
import { zsreMetrics } from './zsre';

const cf: EditRecord = {
  kind: 'edit', source: 'counterfact-rome', version: 1, id: 'c1', prompt: 'The Eiffel Tower is in', subject: 'The Eiffel Tower', targetNew: 'Rome', targetTrue: 'Paris',
  paraphrasePrompts: ['The Eiffel Tower lies in'], neighborhood: [{ prompt: 'The Louvre is in', answers: ['Paris'], family: 'neighborhood' }, { prompt: 'Notre Dame is in', answers: ['Paris'], family: 'neighborhood' }],
  attribute: [], generationPrompts: [], locality: [], portability: [],
};
const zs: EditRecord = {
  ...cf, source: 'zsre-mend', id: 'z1', prompt: 'Where is the Eiffel Tower?', paraphrasePrompts: ['Where does the Eiffel Tower stand?'],
  locality: [{ prompt: 'Where is the Louvre?', answers: ['Paris'], family: 'locality' }],
};
const table = tableScorer({
  dists: {
    'The Eiffel Tower is in': { ' Rome': 0.6, ' Paris': 0.3 },
    'The Eiffel Tower lies in': { ' Paris': 0.5, ' Rome': 0.25 },
    'The Louvre is in': { ' Paris': 0.7, ' Rome': 0.2 },
    'Notre Dame is in': { ' Rome': 0.4, ' Paris': 0.4 },
    'Where is the Eiffel Tower?': { ' Rome': 0.9 },
    'Where does the Eiffel Tower stand?': { ' Paris': 0.9, ' Rome': 0.05 },
    'Where is the Louvre?': { ' Paris': 0.8 },
  },
});

/** The table scorer, recording each score() call's requests. */
function recording(): Scorer & { calls: ScoreRequest[][] } {
  const calls: ScoreRequest[][] = [];
  return { calls, score: (r) => (calls.push([...r]), table.score(r)), generate: table.generate, tokenize: table.tokenize };
}

describe('evaluateEditRecord', () => {
  it('CounterFact records: every probe in one score() call, the values of counterfactMetrics', async () => {
    const s = recording();
    const p = await evaluateEditRecord(s, cf, EDIT_SPLITS);
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]).toHaveLength(2 * 4); // (new, true) × (1 rewrite + 1 paraphrase + 2 neighbourhood prompts)
    expect(p).toEqual({ format: 'counterfact', values: (await counterfactMetrics(table, [counterfactCase(cf, 0)])).records[0] });
    expect(p.values).toMatchObject({ efficacy: 1, generalization: 0, locality: 0.5 });
  });

  it('only the splits asked for are scored; the others are NaN', async () => {
    const s = recording();
    const p = await evaluateEditRecord(s, cf, new Set<Split>(['neighbourhood']));
    expect(s.calls[0]!.map((r) => r.prompt)).toEqual(['The Louvre is in', 'The Louvre is in', 'Notre Dame is in', 'Notre Dame is in']);
    expect(p.format === 'counterfact' && [p.values.efficacy, p.values.generalizationMagnitude, p.values.locality]).toEqual([Number.NaN, Number.NaN, 0.5]);
  });

  it('ZsRE records: token accuracy of src, rephrase and loc, in one call', async () => {
    const s = recording();
    const p = await evaluateEditRecord(s, zs, EDIT_SPLITS);
    expect(s.calls).toHaveLength(1);
    expect(p).toEqual({ format: 'zsre', values: { efficacy: 1, generalization: 0, locality: 1 } });
    expect(p.values).toEqual((await zsreMetrics(table, [zsreCase(zs, 0)])).records[0]);
    const only = await evaluateEditRecord(s, zs, new Set<Split>(['paraphrase']));
    expect(s.calls[1]).toEqual([{ prompt: 'Where does the Eiffel Tower stand?', continuation: ' Rome' }]);
    expect(only.values).toEqual({ efficacy: Number.NaN, generalization: 0, locality: Number.NaN });
  });
});
