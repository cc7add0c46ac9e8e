// The long-record rule (./long-records.ts): a record whose edit or evaluation would feed the model a
// sequence longer than its window is left out of the cell and listed; the others run as before.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { CellRecord } from '../registries';
import { defaultRegistries } from '../defaults';
import { runExperiment } from '../experiment';
import { tmpWorkspace } from '../testing/tmp';
import { editSpec } from '../testing/default-model';
import { EDIT_METRICS } from '../adapters/edit-metrics';
import { fitWindow, longestSequence, skippedText } from './long-records';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CF_EDIT = resolve(ROOT, '../shared/data/counterfact/counterfact-edit.dev.json');
const haveData = existsSync(CF_EDIT) && existsSync(join(ROOT, 'models/tiny-gpt2/model.safetensors'));
/** The committed tiny-gpt2's window: the records below are chosen for the v1 models' 64 tokens. */
const window = haveData ? (JSON.parse(readFileSync(join(ROOT, 'models/tiny-gpt2/config.json'), 'utf8')) as { n_positions: number }).n_positions : 0;
/** One token per character: lengths are easy to read off. */
const chars = (s: string) => [...s].map((c) => c.charCodeAt(0));
const bound = (id: string) => ({ use: { id, column: id, params: {} }, entry: EDIT_METRICS.find((m) => m.id === id)! });
const record = (id: string, over: Partial<{ prompt: string; paraphrase: string; trainPrompt: string }> = {}): CellRecord => {
  const prompt = over.prompt ?? 'P is in';
  const request = { prompt, subject: 'P', targetNew: ' X', targetTrue: ' Y', ...(over.trainPrompt ? { trainPrompts: [over.trainPrompt] } : {}) };
  const data = {
    kind: 'edit', id, prompt, subject: 'P', targetNew: ' X', targetTrue: ' Y', paraphrasePrompts: [over.paraphrase ?? 'P lies in'],
    neighborhood: [{ prompt: 'Q is in', answers: [' Y'] }], locality: [], portability: [], generationPrompts: ['P is'],
  };
  return { id, request, data: data as never };
};

describe('the long-record rule', () => {
  it('measures the edit prompts and every scored or generated sequence of the metrics, BOS included', async () => {
    const w = { tokens: 20, bos: true };
    const short = await longestSequence(record('a'), [bound('efficacy'), bound('generalization')], chars, w);
    expect(short.tokens).toBe(1 + 'P lies in'.length + ' X'.length); // the paraphrase is the longest
    const para = await longestSequence(record('b', { paraphrase: 'x'.repeat(30) }), [bound('generalization')], chars, w);
    expect(para).toEqual({ tokens: 1 + 30 + 2, where: `scored prompt "${'x'.repeat(30)}"` });
    // Not measured when no metric reads it: efficacy scores only the rewrite prompt.
    expect((await longestSequence(record('b', { paraphrase: 'x'.repeat(30) }), [bound('efficacy')], chars, w)).tokens).toBe(1 + 7 + 2);
    const train = await longestSequence(record('c', { trainPrompt: 'y'.repeat(40) }), [bound('efficacy')], chars, { tokens: 20, bos: false });
    expect(train).toEqual({ tokens: 42, where: `edit prompt "${'y'.repeat(40)}"` });
    const gen = await longestSequence(record('d'), [bound('fluency')], chars, w);
    expect(gen.tokens).toBe(1 + 'P is in'.length + 2); // the rewrite prompt; the generation prompt 'P is' needs 1 + 4 + 1
  });

  it('fitWindow keeps the order of the records that fit and lists the others; no window: all fit', async () => {
    const recs = [record('a'), record('b', { paraphrase: 'x'.repeat(30) }), record('c')];
    const scorer = { score: async () => [], generate: async () => [], tokenize: chars };
    const { fit, skipped } = await fitWindow(recs, [bound('generalization')], scorer, { tokens: 20, bos: true });
    expect(fit.map((r) => r.id)).toEqual(['a', 'c']);
    expect(skipped).toEqual({ window: 20, records: [{ id: 'b', tokens: 33, where: `scored prompt "${'x'.repeat(30)}"` }] });
    expect(skippedText(skipped!, 3)).toBe(`1 of 3 records skipped: longer than the model's 20-token window (longest: record b, 33 tokens, scored prompt "${'x'.repeat(30)}")`);
    expect((await fitWindow(recs, [bound('generalization')], scorer, undefined)).fit).toHaveLength(3);
  });
});

// Skipped without the data or the model, and on a window other than the v1 models' 64 tokens: on the v2
// window (128) no real CounterFact dev record is too long (the longest is 84), so these records test nothing there.
describe.skipIf(!haveData || window !== 64)('real CounterFact records on the v1 tiny-gpt2 (64-token window)', () => {
  const ws = tmpWorkspace();
  afterAll(() => ws.cleanup());
  const spec = (offset: number, n: number) => editSpec({
    name: 't', dataset: `{ dataset: edit-file, label: cf, params: { path: ${CF_EDIT}, offset: ${offset}, n: ${n} } }`,
    methods: ['{ method: ft, label: FT, params: { steps: 10 } }'], metrics: ['efficacy', 'generalization', 'locality'],
  });

  it('a record longer than the 64-token window is skipped and listed; the rest of its cell runs', async () => {
    // Records 142–144 of the EasyEdit-format dev file: case 2983 (index 143) has a 66-token paraphrase.
    ws.write({ 'spec.yaml': spec(142, 3) });
    await runExperiment(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws, { renderer: 'silent' });
    const [header, row] = readFileSync(join(ws.resultsDir, 't.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    expect(row![header!.indexOf('n')]).toBe('2');
    expect(row![header!.indexOf('status')]).toBe('ok');
    expect(Number(row![header!.indexOf('efficacy')])).toBeGreaterThan(0);
    const meta = JSON.parse(readFileSync(join(ws.resultsDir, 't.meta.json'), 'utf8'));
    expect(meta.rows[0].skipped).toBe(1);
    expect(meta.longRecords).toHaveLength(1);
    expect(meta.longRecords[0].window).toBe(64);
    expect(meta.longRecords[0].records).toEqual([{ id: '2983', tokens: 66, where: expect.stringMatching(/^scored prompt /) }]);
  });

  it('a cell whose every record is too long fails with the rule named, and is not a tfjs shape error', async () => {
    ws.write({ 'spec.yaml': spec(150, 1).replace('t.csv', 'u.csv').replace('name: t', 'name: u') }); // case 3129: 84 tokens
    await runExperiment(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws, { renderer: 'silent' });
    const [header, row] = readFileSync(join(ws.resultsDir, 'u.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    expect(row![header!.indexOf('status')]).toBe('failed');
    expect(row!.slice(header!.indexOf('error')).join(',')).toMatch(/every record is too long: 1 of 1 records skipped: longer than the model's 64-token window \(longest: record 3129, 84 tokens/);
  });
});
