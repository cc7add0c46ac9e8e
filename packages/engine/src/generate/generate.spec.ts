import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { testTokenizer, tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { encodePairs } from '../train/batch';
import { train } from '../train/loop';
import { generate, generateIds } from './generate';

beforeAll(async () => {
  await initBackend();
});

const tok = testTokenizer();
const prompts = [[5, 9, 3, 7, 2, 11], [4, 8], [6, 6, 6, 1]];

describe.each([
  ['gpt2', tinyConfig('gpt2')],
  ['llama GQA', tinyConfig('llama', { nKvHeads: 2, qkvBias: true })],
])('generation on %s', (_l, config) => {
  it('KV-cached generation equals uncached generation (greedy and top-k), batched with left padding, no leaks', () => {
    const m = Transformer.init(config, 11);
    // sharpen the random model so the argmax is well separated from float noise
    tf.tidy(() => m.param('embed.W_E').assign(m.param('embed.W_E').mul(20)));
    for (const topK of [1, 5]) {
      const n0 = tf.memory().numTensors;
      const o = { maxNewTokens: 12, padId: 0, topK, seed: 3 };
      const cached = generateIds(m, prompts, o);
      expect(tf.memory().numTensors).toBe(n0);
      const plain = generateIds(m, prompts, { ...o, useCache: false });
      expect(tf.memory().numTensors).toBe(n0);
      expect(cached).toEqual(plain);
      expect(cached.map((g) => g.length)).toEqual([12, 12, 12]);
      // batching does not change a row's output (left padding + attention mask + position ids)
      const alone = generateIds(m, [prompts[1]!], o);
      if (topK === 1) expect(alone[0]).toEqual(cached[1]);
    }
    m.dispose();
  });

  it('top-k sampling is reproducible for a seed and varies across seeds', () => {
    const m = Transformer.init(config, 13);
    const o = { maxNewTokens: 10, padId: 0, topK: 8 };
    const runs = [1, 1, 2, 3].map((seed) => generateIds(m, prompts, { ...o, seed }));
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).not.toEqual(runs[0]);
    expect(runs[3]).not.toEqual(runs[2]);
    // k = 1 is greedy
    expect(generateIds(m, prompts, { ...o, topK: 1, seed: 5 })).toEqual(generateIds(m, prompts, { ...o, topK: undefined }));
    m.dispose();
  });

  it('stops at EOS and at the context window', () => {
    const m = Transformer.init(config, 12);
    const g = generateIds(m, [prompts[0]!], { maxNewTokens: 100, padId: 0 });
    expect(g[0]!.length).toBe(config.maxSeq - prompts[0]!.length + 1);
    const first = g[0]![0]!;
    expect(generateIds(m, [prompts[0]!], { maxNewTokens: 10, padId: 0, eosId: first })[0]).toEqual([]);
    m.dispose();
  });
});

it('a tiny trained model completes its corpus greedily; stop strings cut the output', () => {
  const pairs = [
    { prompt: 'the sky is', target: ' blue. ' },
    { prompt: 'the grass is', target: ' green. ' },
    { prompt: 'coal is', target: ' black. ' },
  ];
  const m = Transformer.init(tinyConfig('llama', { vocabSize: tok.vocabSize }), 5);
  train(m, encodePairs(tok, pairs), { lr: 1e-2, steps: 200, seed: 1, stopAtLoss: 0.01 });
  const out = generate(m, tok, pairs.map((p) => p.prompt), { maxNewTokens: 8 });
  expect(out.map((o, i) => o.slice(0, pairs[i]!.target.length))).toEqual(pairs.map((p) => p.target));
  expect(generate(m, tok, ['the grass is'], { maxNewTokens: 7, stop: ['.'] })).toEqual([' green']);
  expect(generate(m, tok, ['the sky is', 'coal is'], { maxNewTokens: 7, stop: ['ue', 'ck'], useCache: false })).toEqual([' bl', ' bla']);
  m.dispose();
});
