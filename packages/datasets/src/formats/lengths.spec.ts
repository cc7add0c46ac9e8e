import { describe, expect, it } from 'vitest';
import { CANONICAL_VERSION, type EditRecord, type MultipleChoiceItem, type QAItem } from '../types';
import { longestSequences, recordSequences } from './lengths';

const words = (t: string): number => t.split(/\s+/).filter(Boolean).length;
const edit: EditRecord = {
  kind: 'edit', source: 'counterfact-rome', version: CANONICAL_VERSION, id: '7', prompt: 'The capital of Gaiki Isles is', subject: 'Gaiki Isles',
  targetNew: 'Port Nobas', targetTrue: 'West Ama', paraphrasePrompts: ['In short, the capital city of Gaiki Isles is'],
  neighborhood: [{ prompt: 'The capital of Houstu is', answers: ['West Ama'], family: 'neighborhood' }], attribute: [],
  generationPrompts: ['Gaiki Isles is a land of many long rivers and very old mountains, travellers say'], locality: [],
  portability: [{ prompt: 'The country of the capital of Gaiki Isles is', answers: ['Gaiki Isles', 'the Gaiki Isles archipelago state'], family: 'two_hop' }],
};

describe('record lengths', () => {
  it('an edit record: rewrite and paraphrases with both targets, every probe answer, generation prompts alone', () => {
    const s = recordSequences(edit);
    expect(s.filter((x) => x.field === 'rewrite').map((x) => x.text)).toEqual(['The capital of Gaiki Isles is Port Nobas', 'The capital of Gaiki Isles is West Ama']);
    expect(s.filter((x) => x.field === 'paraphrase')).toHaveLength(2);
    expect(s.filter((x) => x.field === 'two_hop').map((x) => x.text)[1]).toBe('The country of the capital of Gaiki Isles is the Gaiki Isles archipelago state');
    const r = longestSequences([edit], words);
    expect(r.longest).toMatchObject({ tokens: 14, record: '7', field: 'two_hop' });
    expect(r.longestGenerationPrompt).toMatchObject({ tokens: 15, field: 'generation prompt' });
  });
  it('QA items in the QA format (answer, perturbed, paraphrased); MC items as the metrics lay them out', () => {
    const qa: QAItem = { kind: 'qa', source: 'tofu', version: CANONICAL_VERSION, id: '0', question: 'Who?', answer: 'Me', perturbedAnswers: ['You and them'], paraphrasedQuestion: 'Who is it?' };
    expect(recordSequences(qa).map((x) => x.text)).toEqual(['Question: Who?\nAnswer: Me', 'Question: Who?\nAnswer: You and them', 'Question: Who is it?\nAnswer: Me']);
    const mc: MultipleChoiceItem = { kind: 'mc', source: 'mmlu-csv', version: CANONICAL_VERSION, id: '1', question: 'Pick one', choices: ['a', 'b', 'c', 'd'], answerIndex: 2, subject: 's' };
    expect(recordSequences(mc)).toEqual([{ field: 'multiple choice', text: 'Pick one\nA. a\nB. b\nC. c\nD. d\nAnswer: C' }]);
    expect(longestSequences([qa, mc], words).longest).toMatchObject({ tokens: 12, record: '1' });
    expect(longestSequences([], words)).toEqual({ records: 0, longest: undefined, longestGenerationPrompt: undefined });
  });
});
