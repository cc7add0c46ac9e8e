import { initBackend, Transformer, type Tokenizer } from '@editlab/engine';
import { beforeAll, expect, it } from 'vitest';
import { modelScorer, scoreBatchSize, SCORE_LOGITS_BUDGET } from './model-scorer';

beforeAll(async () => {
  await initBackend();
});

/** Char-level test tokenizer: 0 = pad, 1 = eos, then the alphabet. */
const ALPHABET = ' abcdefghijklmnopqrstuvwxyz.';
const tok: Tokenizer = {
  vocabSize: ALPHABET.length + 2,
  padId: 0,
  eosId: 1,
  encode: (t) => [...t].map((ch) => ALPHABET.indexOf(ch) + 2),
  decode: (ids) => ids.map((i) => (i >= 2 ? ALPHABET[i - 2]! : '')).join(''),
};

const logSoftmax = (row: number[]) => {
  const mx = Math.max(...row);
  const lse = mx + Math.log(row.reduce((a, x) => a + Math.exp(x - mx), 0));
  return row.map((x) => x - lse);
};

it('scores equal a direct log-softmax of the logits, rank 1 is the argmax, generate and tokenize work', async () => {
  const model = Transformer.init({ arch: 'gpt2', vocabSize: tok.vocabSize, dModel: 32, nLayers: 2, nHeads: 4, dMlp: 64, maxSeq: 40 }, 3);
  const scorer = modelScorer(model, tok, { batchSize: 2 });
  const reqs = [
    { prompt: 'the capital is', continuation: ' paris' },
    { prompt: 'x', continuation: ' y.' },
    { prompt: 'hello', continuation: ' world' },
  ];
  const scores = await scorer.score(reqs);
  for (const [i, r] of reqs.entries()) {
    const p = tok.encode(r.prompt);
    const c = tok.encode(r.continuation);
    const seq = [...p, ...c];
    const ids = Transformer.idsTensor([seq]);
    const logits = model.forward(ids);
    const rows = (logits.arraySync() as number[][][])[0]!;
    logits.dispose();
    ids.dispose();
    expect(scores[i]!.map((s) => s.id)).toEqual(c);
    c.forEach((id, j) => {
      const raw = rows[p.length + j - 1]!;
      const lp = logSoftmax(raw);
      expect(scores[i]![j]!.logprob).toBeCloseTo(lp[id]!, 4);
      const argmax = raw.indexOf(Math.max(...raw));
      expect(scores[i]![j]!.rank === 1).toBe(argmax === id);
      expect(scores[i]![j]!.rank).toBe(1 + raw.filter((x) => x > raw[id]!).length);
    });
  }
  // the greedy continuation's tokens all have rank 1
  const [gen] = await scorer.generate(['the capital is'], { maxNewTokens: 5 });
  expect(gen!.length).toBeLessThanOrEqual(5);
  if (gen!.length === 5) {
    // (no pad/EOS token was generated, so the text re-encodes to the generated ids)
    const [s] = await scorer.score([{ prompt: 'the capital is', continuation: gen! }]);
    expect(s!.every((t) => t.rank === 1)).toBe(true);
  }
  expect(scorer.tokenize('ab')).toEqual([3, 4]);
  model.dispose();
});

it('packs a record\'s probes into as many sequences per scoring pass as the logit budget allows, never fewer than batchSize', () => {
  const cfg = { arch: 'gpt2' as const, dModel: 8, nLayers: 1, nHeads: 2, dMlp: 16 };
  // The tiny default models' shape (V 2048, 64 positions): 2^24 / (64·2048) = 128 sequences per pass.
  const tiny = Transformer.init({ ...cfg, vocabSize: 2048, maxSeq: 64 }, 1);
  expect(scoreBatchSize(tiny)).toBe(SCORE_LOGITS_BUDGET / (64 * 2048));
  expect(scoreBatchSize(tiny, 200)).toBe(200);
  tiny.dispose();
  // A GPT-2-sized vocabulary and context fit less than one sequence: batchSize stays.
  const wide = Transformer.init({ ...cfg, vocabSize: 50257, maxSeq: 1024 }, 1);
  expect(scoreBatchSize(wide)).toBe(16);
  expect(scoreBatchSize(wide, 4)).toBe(4);
  wide.dispose();
});
