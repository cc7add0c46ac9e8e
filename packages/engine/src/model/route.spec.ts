// Inference routes (model/route.ts): scoring, top-k and generation answer each query the way the installed
// route decides (another model, other prompt tokens, an embedding prefix), leave unrouted queries exactly as
// the bare model answers them, and the route's undo restores the bare answers.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { generate, generateIds } from '../generate/generate';
import { nextTokenTopK, scoreContinuations } from '../score/score';
import { testTokenizer, tinyConfig } from './testing';
import { Transformer } from './transformer';

beforeAll(async () => {
  await initBackend();
});

const tok = testTokenizer();
const sharpen = (m: Transformer) => tf.tidy(() => m.param('embed.W_E').assign(m.param('embed.W_E').mul(20)));
const pairs = [
  { prompt: 'the cat sat on', continuation: ' the mat' },
  { prompt: 'routed here', continuation: ' yes' },
  { prompt: 'a dog', continuation: ' ran' },
];
const same = (ids: readonly number[], text: string) => ids.length === text.length && tok.decode([...ids]) === text;

describe.each([
  ['gpt2', tinyConfig('gpt2')],
  ['llama', tinyConfig('llama')],
])('inference routes on %s', (_l, config) => {
  it('another model answers routed prompts; the rest are byte-identical to the bare model; undo restores', () => {
    const base = Transformer.init(config, 1);
    const other = Transformer.init(config, 2);
    sharpen(base);
    sharpen(other);
    const bare = scoreContinuations(base, tok, pairs);
    const bareGen = generate(base, tok, pairs.map((p) => p.prompt), { maxNewTokens: 6 });
    const n0 = tf.memory().numTensors;
    const undo = base.addRoute((ids) => (same(ids, 'routed here') ? { model: other } : undefined));
    expect(base.routeCount).toBe(1);
    const s = scoreContinuations(base, tok, pairs);
    // the unrouted rows were scored in a batch of two instead of three: compare with that batch on the bare model
    const bareTwo = scoreContinuations(base, tok, [pairs[0]!, pairs[2]!]);
    expect([s[0], s[2]]).toEqual(bareTwo);
    expect(s[1]).toEqual(scoreContinuations(other, tok, [pairs[1]!])[0]);
    expect(s[1]).not.toEqual(bare[1]);
    const g = generate(base, tok, pairs.map((p) => p.prompt), { maxNewTokens: 6 });
    expect(g[1]).toEqual(generate(other, tok, ['routed here'], { maxNewTokens: 6 })[0]);
    expect([g[0], g[2]]).toEqual(generate(base, tok, [pairs[0]!.prompt, pairs[2]!.prompt], { maxNewTokens: 6, batchSize: 16 }).map((x) => x));
    expect(nextTokenTopK(base, tok, ['routed here'], 3)).toEqual(nextTokenTopK(other, tok, ['routed here'], 3));
    expect(tf.memory().numTensors).toBe(n0);
    undo();
    undo(); // idempotent
    expect(base.routeCount).toBe(0);
    expect(scoreContinuations(base, tok, pairs)).toEqual(bare);
    expect(generate(base, tok, pairs.map((p) => p.prompt), { maxNewTokens: 6 })).toEqual(bareGen);
    base.dispose();
    other.dispose();
  });

  it('prefix tokens: a routed prompt is scored and generated as if the prefix had been typed before it', () => {
    const m = Transformer.init(config, 3);
    sharpen(m);
    const prefix = tok.encode('new fact. ');
    const undo = m.addRoute((ids) => (same(ids, 'a dog') ? { ids: [...prefix, ...ids] } : undefined));
    const s = scoreContinuations(m, tok, [pairs[2]!]);
    const g = generateIds(m, [tok.encode('a dog')], { maxNewTokens: 5, padId: 0 });
    undo();
    expect(s).toEqual(scoreContinuations(m, tok, [{ prompt: 'new fact. a dog', continuation: ' ran' }]));
    expect(g).toEqual(generateIds(m, [tok.encode('new fact. a dog')], { maxNewTokens: 5, padId: 0 }));
    m.dispose();
  });

  it('embedding prefix: vectors written at placeholder positions act as the tokens whose embeddings they are', () => {
    const m = Transformer.init(config, 4);
    sharpen(m);
    const text = tok.encode('xyz ');
    const vectors = tf.gather(m.param('embed.W_E'), tf.tensor1d(text, 'int32')) as tf.Tensor2D; // [3, d]
    const placeholder = text.map(() => tok.encode('q')[0]!);
    const undo = m.addRoute((ids) => (same(ids, 'a dog') || same(ids, 'the cat sat on') ? { ids: [...placeholder, ...ids], embeds: { start: 0, vectors } } : undefined));
    // batched with an unrouted row and with rows of other lengths (right padding in scoring, left in generation)
    const s = scoreContinuations(m, tok, pairs);
    const prompts = [tok.encode('a dog'), tok.encode('routed here'), tok.encode('the cat sat on')];
    const cached = generateIds(m, prompts, { maxNewTokens: 5, padId: 0 });
    const plain = generateIds(m, prompts, { maxNewTokens: 5, padId: 0, useCache: false });
    undo();
    const typed = scoreContinuations(m, tok, [{ prompt: 'xyz the cat sat on', continuation: ' the mat' }, { prompt: 'xyz a dog', continuation: ' ran' }]);
    for (const [a, b] of [[s[0]!, typed[0]!], [s[2]!, typed[1]!]] as const) {
      expect(a.map((t) => t.rank)).toEqual(b.map((t) => t.rank));
      a.forEach((t, i) => expect(t.logprob).toBeCloseTo(b[i]!.logprob, 4));
    }
    expect(cached).toEqual(plain);
    expect(cached[0]).toEqual(generateIds(m, [tok.encode('xyz a dog')], { maxNewTokens: 5, padId: 0 })[0]);
    expect(cached[2]).toEqual(generateIds(m, [tok.encode('xyz the cat sat on')], { maxNewTokens: 5, padId: 0 })[0]);
    expect(cached[1]).toEqual(generateIds(m, [prompts[1]!], { maxNewTokens: 5, padId: 0 })[0]);
    vectors.dispose();
    m.dispose();
  });
});
