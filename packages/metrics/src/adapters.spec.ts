import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EditRecord, QAItem } from '@editlab/datasets';
import { describe, expect, it } from 'vitest';
import { choiceItem, counterfactCase, unlearningItem, zsreCase } from './adapters';
import { tableScorer } from './fake-scorer';
import { unlearningMetrics } from './unlearning';

const edit: EditRecord = {
  kind: 'edit', source: 'zsre-mend', version: 1, id: 'z1', prompt: 'Who founded X?', subject: 'X', targetNew: 'Bob', targetTrue: 'Al',
  paraphrasePrompts: ['Who started X?'], neighborhood: [{ prompt: 'Y is in', answers: ['Oslo'], family: 'neighborhood' }], attribute: [],
  generationPrompts: ['X was'], locality: [{ prompt: 'Where is Y', answers: ['Oslo'], family: 'locality' }], portability: [],
};

describe('adapters from canonical records', () => {
  it('CounterFact and ZsRE wiring, with the target field recorded by the caller', () => {
    expect(counterfactCase(edit, 0)).toMatchObject({ rewritePrompts: ['Who founded X?'], neighborhoodPrompts: ['Y is in'], targetTrue: 'Al' });
    expect(zsreCase(edit, 0).target).toBe('Bob');
    expect(zsreCase(edit, 0, 'targetTrue')).toMatchObject({ target: 'Al', rephrase: 'Who started X?', loc: 'Where is Y', locAns: 'Oslo' });
    expect(() => zsreCase({ ...edit, locality: [] }, 3)).toThrow(/record 3, field "loc"/);
    expect(() => counterfactCase({ ...edit, targetTrue: undefined }, 1)).toThrow(/record 1, field "target_true"/);
  });
  it('MMLU prompt with lettered choices, scored as " A".." D"', () => {
    const c = choiceItem({ kind: 'mc', source: 'mmlu-csv', version: 1, id: 'm', question: 'Capital of Y?', choices: ['Oslo', 'Rome', 'Bern', 'Lima'], answerIndex: 2, subject: 'geo' });
    expect(c.prompt).toBe('Capital of Y?\nA. Oslo\nB. Rome\nC. Bern\nD. Lima\nAnswer:');
    expect(c.choices).toEqual([' A', ' B', ' C', ' D']);
    expect(c.answer).toBe(2);
    const k = choiceItem({ kind: 'mc', source: 'mmlu-csv', version: 1, id: 'm', question: 'Capital of Y? ', choices: ['Oslo', 'Rome', 'Bern', 'Lima'], answerIndex: 2, subject: 'geo' }, 'continuation');
    expect(k.prompt).toBe('Question: Capital of Y?\nAnswer:');
    expect(k.choices).toEqual([' Oslo', ' Rome', ' Bern', ' Lima']);
    expect(k.answer).toBe(2);
  });
});

const TOFU_WF = fileURLToPath(new URL('../../../../shared/data/tofu/world_facts_perturbed.json', import.meta.url));
describe.skipIf(!existsSync(TOFU_WF))('real TOFU world facts (../shared/data; skipped when absent)', () => {
  it('ROUGE recall is 1 for a generation that states the answer, < 1 when it states a perturbed one', async () => {
    const rows = readFileSync(TOFU_WF, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { question: string; answer: string; perturbed_answer: string[] });
    const qa: QAItem[] = rows.map((r, i) => ({ kind: 'qa', source: 'tofu', version: 1, id: `wf${i}`, question: r.question, answer: r.answer, perturbedAnswers: r.perturbed_answer }));
    const items = qa.map((q, i) => unlearningItem(q, i));
    const right = tableScorer({ dists: {}, generations: Object.fromEntries(items.map((it) => [it.prompt, ` I think it is ${it.answer}.`])) });
    const r = await unlearningMetrics(right, items);
    expect(items.length).toBeGreaterThan(10);
    expect(r.rouge1Recall).toBe(1);
    expect(r.rougeLRecall).toBe(1);
    // every answer and perturbed answer gets the same floor probability here → R = 1 for each item
    expect(r.truthRatioCloserTo1).toBeCloseTo(1, 12);
    const wrong = tableScorer({ dists: {}, generations: Object.fromEntries(items.map((it) => [it.prompt, ` ${it.perturbed![0]}`])) });
    expect((await unlearningMetrics(wrong, items)).rouge1Recall).toBeLessThan(0.2);
  });
});
