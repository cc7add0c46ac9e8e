import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { generateIds } from '../generate/generate';
import { tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { hookName } from './names';
import { runWithCache, runWithHooks } from './run';

beforeAll(async () => {
  await initBackend();
});

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

it('a patch changes every forward pass until undone, composes with run hooks, and reaches generation', () => {
  const m = Transformer.init(tinyConfig('gpt2'), 9);
  tf.tidy(() => m.param('embed.W_E').assign(m.param('embed.W_E').mul(20)));
  const x = tf.tensor2d([[3, 7, 2, 9]], [1, 4], 'int32');
  const base = m.forward(x);
  const genBase = generateIds(m, [[3, 7, 2, 9]], { maxNewTokens: 8, padId: 0 });
  const scale = (a: tf.Tensor) => tf.mul(a, 3);
  const viaRun = runWithHooks(m, x, { [hookName.mlpOut(1)]: scale });
  const n0 = tf.memory().numTensors;
  const undo = m.addPatch(hookName.mlpOut(1), scale);
  expect(m.patchCount).toBe(1);
  const patched = m.forward(x);
  expect(maxAbsDiff(patched, viaRun)).toBe(0);
  expect(maxAbsDiff(patched, base)).toBeGreaterThan(1e-3);
  // a run's cache sees the patched activation; run hooks apply after the patch
  const { logits, cache } = runWithCache(m, x, [hookName.mlpOut(1)], { replace: { [hookName.mlpOut(1)]: (a) => tf.div(a, 3) } });
  expect(maxAbsDiff(logits, base)).toBeLessThan(1e-5);
  // generation sees the patch, with and without the KV cache
  const gen = generateIds(m, [[3, 7, 2, 9]], { maxNewTokens: 8, padId: 0 });
  expect(generateIds(m, [[3, 7, 2, 9]], { maxNewTokens: 8, padId: 0, useCache: false })).toEqual(gen);
  undo();
  undo(); // idempotent
  expect(m.patchCount).toBe(0);
  const restored = m.forward(x);
  expect(maxAbsDiff(restored, base)).toBe(0);
  expect(generateIds(m, [[3, 7, 2, 9]], { maxNewTokens: 8, padId: 0 })).toEqual(genBase);
  tf.dispose([patched, logits, restored]);
  cache.dispose();
  expect(tf.memory().numTensors).toBe(n0);
  expect(() => m.addPatch('blocks.1.hook_mlp_ot', scale)).toThrow(/did you mean 'blocks.1.hook_mlp_out'/);
  tf.dispose([x, base, viaRun]);
  m.dispose();
});

it('unknown parameter names are refused with a suggestion', () => {
  const m = Transformer.init(tinyConfig('llama'), 1);
  expect(() => m.param('blocks.1.mlp.W_ot')).toThrow(/did you mean 'blocks.1.mlp.W_out'/);
  m.dispose();
});

it('a patch sees which tokens of the pass are real: left padding in generation, none given when scoring', () => {
  const m = Transformer.init(tinyConfig('gpt2'), 9);
  const seen: (number[][] | undefined)[] = [];
  const undo = m.addPatch(hookName.mlpOut(0), (a, _name, info) => {
    seen.push(info.realTokens ? (info.realTokens.arraySync() as number[][]) : undefined);
    return a;
  });
  generateIds(m, [[3, 7, 2], [5]], { maxNewTokens: 2, padId: 0 });
  expect(seen[0]).toEqual([[1, 1, 1], [0, 0, 1]]); // the prompts, left-padded
  expect(seen[1]).toEqual([[1], [1]]); // a cached step: this call's one token each
  tf.dispose(m.forward(tf.tensor2d([[3, 7, 2]], [1, 3], 'int32')));
  expect(seen[2]).toBeUndefined();
  undo();
  m.dispose();
});
