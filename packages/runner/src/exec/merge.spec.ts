// Query merging (./merge.ts, Editing-as-Unlearning §3.2): n forget requests become one edit request
// with the questions concatenated and one refusal; a cell applies the merged requests and still
// evaluates every record on its own.
import { describe, expect, it } from 'vitest';
import type { CellEditor, CellRecord, ForgetRequest, LoadedModel, MetricEntry, Request } from '../registries';
import { RunnerError } from '../errors';
import { checkMergedFits, mergeQuestions, mergeRequests } from './merge';
import { runCell } from './cell';
import { editCalls, mergeGroups, requestCount, requestsPerCall } from '../experiment-spec/protocol';
import { protocolLabel, type Protocol } from '../experiment-spec/types';

const q = (s: string) => `Question: ${s}\nAnswer:`;
const forget = (i: number, more: Partial<ForgetRequest> = {}): ForgetRequest => ({
  kind: 'forget', question: q(`Where was Person ${i} born?`), answer: ` City${i}`, subject: `Person ${i}`,
  refusal: ` I cannot say ${i}.`, refusals: [' A', ' B'], ...more,
});

describe('merging forget requests', () => {
  it('one "Question:" prefix and one "\\nAnswer:" suffix around the questions joined by a space', () => {
    expect(mergeQuestions([q('Where was A born?'), q('What is B\'s capital?')])).toBe("Question: Where was A born? What is B's capital?\nAnswer:");
    expect(mergeQuestions(['Who wrote X?', ' Who wrote Y? '])).toBe('Who wrote X? Who wrote Y?'); // not in the QA format: joined as they are
  });

  it('the first refusal, the last subject, the answers joined, the rephrasings merged when all have one', () => {
    const m = mergeRequests([forget(0, { rephrasings: [q('Birthplace of Person 0?')] }), forget(1, { rephrasings: [q('Birthplace of Person 1?')] }), forget(2, { rephrasings: [q('Birthplace of Person 2?')] })]);
    expect(m).toEqual({
      kind: 'forget',
      question: q('Where was Person 0 born? Where was Person 1 born? Where was Person 2 born?'),
      answer: ' City0 City1 City2',
      subject: 'Person 2',
      rephrasings: [q('Birthplace of Person 0? Birthplace of Person 1? Birthplace of Person 2?')],
      refusal: ' I cannot say 0.',
      refusals: [' A', ' B'],
    });
    // Without a subject, the last question's own (engine subjectOf), not the longest span of the merged text.
    expect((mergeRequests([forget(0, { subject: undefined }), { ...forget(1), subject: undefined, question: q('Where was Ada Brun born?') }]) as ForgetRequest).subject).toBe('Ada Brun');
    expect(mergeRequests([forget(0), forget(1, { rephrasings: [q('x?')] })])).not.toHaveProperty('rephrasings');
    expect(mergeRequests([forget(5)])).toEqual(forget(5)); // merging one query is the request itself
  });

  it('refuses rewrite requests, and a merged request over the window names its records', () => {
    const rewrite: Request = { kind: 'rewrite', prompt: 'p', subject: 's', targetNew: ' t' };
    expect(() => mergeRequests([forget(0), rewrite])).toThrow(/query merging takes forget requests.*rewrite/);
    const words = (t: string) => t.split(/\s+/).filter(Boolean).map((_, i) => i);
    const m = mergeRequests([forget(0), forget(1)]);
    expect(() => checkMergedFits(m, ['a', 'b'], { tokens: 13, bos: true }, words)).toThrow(RunnerError);
    expect(() => checkMergedFits(m, ['a', 'b'], { tokens: 13, bos: true }, words)).toThrow(/2 merged queries of records a…b are 1\d tokens with their target, over the model's 13-token window/);
    expect(() => checkMergedFits(m, ['a', 'b'], { tokens: 64, bos: true }, words)).not.toThrow();
  });
});

describe('protocols with merge', () => {
  it('calls hold merge × requests-per-call records; labels name the merge', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    const seq: Protocol = { kind: 'unlearn', apply: 'sequential', merge: 4 };
    expect(editCalls(ten, seq)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(editCalls(ten, seq).map((c) => mergeGroups(c, seq).length)).toEqual([1, 1, 1]);
    const all: Protocol = { kind: 'unlearn', merge: 4 };
    expect(editCalls(ten, all)).toEqual([ten]);
    expect(mergeGroups(ten, all)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(requestsPerCall(all, requestCount(all, 10))).toBe(3); // what maxBatch is checked against
    const batch: Protocol = { kind: 'unlearn', apply: 'batch', size: 2, merge: 2 };
    expect(editCalls(ten, batch).map((c) => c.length)).toEqual([4, 4, 2]);
    expect(protocolLabel(seq)).toBe('unlearn(sequential,merge=4)');
    expect(protocolLabel(all)).toBe('unlearn(merge=4)');
    expect(protocolLabel(batch)).toBe('unlearn(batch=2,merge=2)');
    expect(protocolLabel({ kind: 'unlearn', apply: 'sequential' })).toBe('unlearn(sequential)');
  });

  it('a cell applies one merged request per call and evaluates every record on its own question', async () => {
    // The "model" is the set of questions edited toward a refusal; a record is forgotten when its own
    // question is part of an edited (merged) prompt.
    const edited = new Set<string>();
    const tokenize = (t: string) => t.split(/\s+/).filter(Boolean).map((_, i) => i);
    const model: LoadedModel = {
      scorer: { score: async () => [], generate: async () => [], tokenize }, model: edited, window: { tokens: 64, bos: false }, dispose: () => {},
    };
    const seen: Request[][] = [];
    const editor: CellEditor = {
      apply: async (_m, reqs) => {
        seen.push([...reqs]);
        const added = reqs.map((r) => (r as ForgetRequest).question);
        for (const a of added) edited.add(a);
        return { undo: () => added.forEach((a) => edited.delete(a)), stats: { wallMs: 0 } } as never;
      },
    };
    const forgotten: MetricEntry = {
      id: 'forgotten', version: '1', higherIsBetter: true, scale: 1, digits: 0,
      evaluate: async (_s, r) => ([...edited].some((p) => p.includes((r.request as ForgetRequest).question.slice('Question: '.length, -'\nAnswer:'.length))) ? 1 : 0),
    };
    const records: CellRecord[] = Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, request: forget(i), data: null }));
    const out = await runCell(model, editor, records, { kind: 'unlearn', apply: 'sequential', merge: 2 }, [{ use: { id: 'forgotten', column: 'forgotten', params: {} }, entry: forgotten }]);
    expect(out.status).toBe('ok');
    expect(seen.map((c) => c.length)).toEqual([1, 1, 1]); // 5 records → 3 sequential edits of one merged request
    expect((seen[0]![0] as ForgetRequest).question).toBe(q('Where was Person 0 born? Where was Person 1 born?'));
    expect((seen[2]![0] as ForgetRequest)).toEqual(forget(4)); // the last, alone, as it is
    expect(out.records.map((r) => [r.id, r.values['forgotten']])).toEqual([['r0', 1], ['r1', 1], ['r2', 1], ['r3', 1], ['r4', 1]]);
    expect(edited.size).toBe(0); // undone
    // Over the window: the cell fails with the records named (a run reports it as the row's error).
    const small = { ...model, window: { tokens: 12, bos: false } };
    await expect(runCell(small, editor, records, { kind: 'unlearn', apply: 'sequential', merge: 2 }, [])).rejects.toThrow(/records r0…r1 are \d+ tokens/);
  });
});
