import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { testTokenizer, tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { nextTokenTopK, scoreContinuations } from './score';

beforeAll(async () => {
  await initBackend();
});

const tok = testTokenizer();

it.each(['gpt2', 'llama'] as const)('%s: batched scores equal a direct log-softmax of a single forward pass; rank 1 = argmax', (arch) => {
  const m = Transformer.init(tinyConfig(arch, { vocabSize: tok.vocabSize }), 4);
  const reqs = [
    { prompt: 'the sky is', continuation: ' blue' },
    { prompt: 'a', continuation: ' cat sat' },
    { prompt: 'snow', continuation: '' },
  ];
  const n0 = tf.memory().numTensors;
  const got = scoreContinuations(m, tok, reqs, { batchSize: 2 });
  expect(tf.memory().numTensors).toBe(n0);
  expect(got.map((r) => r.length)).toEqual([5, 8, 0]);
  reqs.forEach((r, i) => {
    const p = tok.encode(r.prompt);
    const c = tok.encode(r.continuation);
    const seq = [...p, ...c];
    const lp = tf.tidy(() => tf.logSoftmax(m.forward(tf.tensor2d([seq], [1, seq.length], 'int32'))).arraySync()[0]!);
    c.forEach((id, j) => {
      const row = lp[p.length + j - 1]!;
      expect(got[i]![j]!.id).toBe(id);
      expect(got[i]![j]!.logprob).toBeCloseTo(row[id]!, 4);
      expect(got[i]![j]!.rank).toBe(1 + row.filter((x) => x > row[id]!).length);
    });
  });
  // rank 1 is exactly the argmax: score the top-1 token after a prompt.
  const [top] = nextTokenTopK(m, tok, ['the sky is'], 3);
  expect(top).toHaveLength(3);
  expect(top![0]!.logprob).toBeGreaterThanOrEqual(top![1]!.logprob);
  const best = scoreContinuations(m, tok, [{ prompt: 'the sky is', continuation: tok.decode([top![0]!.id]) }]);
  expect(best[0]![0]!.rank).toBe(1);
  expect(best[0]![0]!.logprob).toBeCloseTo(top![0]!.logprob, 4);
  m.dispose();
});

it('refuses a tokenizer whose ids exceed the model vocabulary', () => {
  const m = Transformer.init(tinyConfig('gpt2', { vocabSize: 10 }), 1);
  expect(() => scoreContinuations(m, tok, [{ prompt: 'the', continuation: ' sky' }])).toThrow(/token id \d+ is outside the model's vocabulary 0..9/);
  m.dispose();
});
