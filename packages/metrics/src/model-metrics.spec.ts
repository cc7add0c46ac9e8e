// Metrics on a real (tiny, random) engine Transformer through modelScorer agree with direct
// computations from the model's logits.
import { CharTokenizer, initBackend, Transformer } from '@editlab/engine';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { counterfactMetrics, type CounterFactCase } from './counterfact';
import { modelScorer } from './model-scorer';
import { fluency } from './fluency';
import { unlearningMetrics } from './unlearning';
import { zsreMetrics } from './zsre';

let model: Transformer;
const tok = new CharTokenizer(' abcdefghijklmnopqrstuvwxyz?');

beforeAll(async () => {
  await initBackend();
  model = Transformer.init({ arch: 'llama', vocabSize: tok.vocabSize, dModel: 32, nLayers: 2, nHeads: 4, dMlp: 64, maxSeq: 48 }, 11);
});
afterAll(() => model.dispose());

/** Teacher-forced log-probs and ranks of `cont` after `prompt`, straight from forward(). */
function direct(prompt: string, cont: string): { lp: number[]; rank: number[] } {
  const p = tok.encode(prompt);
  const c = tok.encode(cont);
  const ids = Transformer.idsTensor([[...p, ...c]]);
  const logits = model.forward(ids);
  const rows = (logits.arraySync() as number[][][])[0]!;
  ids.dispose();
  logits.dispose();
  const lp: number[] = [];
  const rank: number[] = [];
  c.forEach((id, j) => {
    const row = rows[p.length + j - 1]!;
    const mx = Math.max(...row);
    const lse = mx + Math.log(row.reduce((a, x) => a + Math.exp(x - mx), 0));
    lp.push(row[id]! - lse);
    rank.push(1 + row.filter((x) => x > row[id]!).length);
  });
  return { lp, rank };
}
const nll = (prompt: string, cont: string) => {
  const { lp } = direct(prompt, cont);
  return -lp.reduce((a, b) => a + b, 0) / lp.length;
};

it('CounterFact ES/PS/NS and unlearning MRR/probability match direct logits', async () => {
  const scorer = modelScorer(model, tok, { batchSize: 4 });
  const cases: CounterFactCase[] = [
    { rewritePrompts: ['the city is in'], paraphrasePrompts: ['where is the city'], neighborhoodPrompts: ['the town is in', 'a village is in'], targetNew: 'rome', targetTrue: 'paris' },
    { rewritePrompts: ['bob plays'], paraphrasePrompts: ['bob is playing'], neighborhoodPrompts: ['ann plays'], targetNew: 'jazz', targetTrue: 'rock' },
  ];
  const cf = await counterfactMetrics(scorer, cases);
  cases.forEach((c, i) => {
    const win = (p: string) => (nll(p, ` ${c.targetNew}`) < nll(p, ` ${c.targetTrue}`) ? 1 : 0);
    const rec = cf.records[i]!;
    expect(rec.efficacy).toBe(win(c.rewritePrompts[0]!));
    expect(rec.generalization).toBe(win(c.paraphrasePrompts[0]!));
    const ns = c.neighborhoodPrompts.map((p) => 1 - win(p));
    expect(rec.locality).toBeCloseTo(ns.reduce((a, b) => a + b, 0) / ns.length, 10);
    const mag = Math.exp(-nll(c.rewritePrompts[0]!, ` ${c.targetNew}`)) - Math.exp(-nll(c.rewritePrompts[0]!, ` ${c.targetTrue}`));
    expect(rec.efficacyMagnitude).toBeCloseTo(mag, 4);
  });
  const un = await unlearningMetrics(scorer, [{ prompt: 'who wrote it?', answer: 'mark twain' }], { topM: 5, maxNewTokens: 4 });
  const d = direct('who wrote it?', ' mark twain');
  const item = un.items[0]!;
  expect(item.probability).toBeCloseTo(Math.exp(d.lp.reduce((a, b) => a + b, 0)), 6);
  expect(item.mrr).toBeCloseTo(d.rank.reduce((a, r) => a + 1 / r, 0) / d.rank.length, 10);
  expect(item.topHit).toBeCloseTo(d.rank.filter((r) => r <= 5).length / d.rank.length, 10);
});

it('ZsRE token accuracy equals direct top-1 checks; fluency is deterministic for a fixed seed', async () => {
  const scorer = modelScorer(model, tok, { batchSize: 4 });
  const c = { src: 'who made it?', rephrase: 'who built it?', target: 'ann lee', loc: 'where is x', locAns: 'oslo' };
  const z = await zsreMetrics(scorer, [c]);
  const acc = (p: string, t: string) => {
    const { rank } = direct(p, ` ${t}`);
    return (100 * rank.filter((r) => r === 1).length) / rank.length;
  };
  expect(z.efficacy).toBeCloseTo(acc(c.src, c.target), 10);
  expect(z.generalization).toBeCloseTo(acc(c.rephrase, c.target), 10);
  expect(z.locality).toBeCloseTo(acc('where is x?', c.locAns), 10);
  const a = await fluency(scorer, ['the city is', 'bob plays'], { maxLength: 30, seed: 3 });
  const b = await fluency(scorer, ['the city is', 'bob plays'], { maxLength: 30, seed: 3 });
  expect(a).toEqual(b);
  expect(a.texts[0]!.startsWith('the city is')).toBe(true);
  expect(a.fluency).toBeGreaterThanOrEqual(0);
});
