import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { UnknownHookError } from '../model/errors';
import { tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { checkHookName, hookName, hookShape, listHookNames } from './names';
import { gradsAt, runWithCache, runWithHooks } from './run';

beforeAll(async () => {
  await initBackend();
});

const ids = () => tf.tensor2d([[3, 7, 2, 9, 4], [5, 1, 8, 6, 2]], [2, 5], 'int32');
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe.each([
  ['gpt2', tinyConfig('gpt2')],
  ['llama GQA', tinyConfig('llama', { nKvHeads: 2, qkvBias: true })],
])('hooks on %s', (_l, config) => {
  it('caches every hook point with its documented shape, and leaks nothing', () => {
    const m = Transformer.init(config, 1);
    const x = ids();
    const before = tf.memory().numTensors;
    const names = listHookNames(config);
    const { logits, cache } = runWithCache(m, x, names);
    for (const n of names) expect(cache.get(n).shape, n).toEqual(hookShape(config, n, 2, 5));
    expect(cache.get(hookName.pattern(1)).shape).toEqual([2, 4, 5, 5]);
    expect(cache.get(hookName.mlpPost(0)).shape).toEqual([2, 5, config.dMlp]);
    // resid_post of the last block, normalised, is ln_final's output.
    expect(cache.has(hookName.residPost(1))).toBe(true);
    // the per-head results sum (+ b_O) to attn_out.
    const summed = tf.tidy(() => {
      const s = tf.sum(cache.get(hookName.result(0)), 2);
      const bO = m.params.get('blocks.0.attn.b_O');
      return bO ? tf.add(s, bO) : s;
    });
    expect(maxAbsDiff(summed, cache.get(hookName.attnOut(0)))).toBeLessThan(1e-5);
    tf.dispose([logits, summed]);
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    m.dispose();
  });

  it('identity replacement leaves logits unchanged; a real replacement changes them', () => {
    const m = Transformer.init(config, 2);
    const x = ids();
    const base = m.forward(x);
    const same = runWithHooks(m, x, { [hookName.mlpPost(0)]: (a) => a, [hookName.pattern(1)]: (a) => a });
    expect(maxAbsDiff(base, same)).toBe(0);
    const ablated = runWithHooks(m, x, { [hookName.mlpOut(0)]: (a) => tf.zerosLike(a) });
    expect(maxAbsDiff(base, ablated)).toBeGreaterThan(1e-3);
    // a replacement seen by the cache of the same run
    const { logits, cache } = runWithCache(m, x, [hookName.mlpOut(0)], { replace: { [hookName.mlpOut(0)]: (a) => tf.zerosLike(a) } });
    expect(maxAbsDiff(logits, ablated)).toBe(0);
    expect(tf.tidy(() => tf.max(tf.abs(cache.get(hookName.mlpOut(0)))).dataSync()[0])).toBe(0);
    cache.dispose();
    tf.dispose([x, base, same, ablated, logits]);
    m.dispose();
  });

  it('gradient at an activation matches a finite difference', () => {
    const m = Transformer.init(config, 3);
    const x = ids();
    const target = 11;
    // scalar: log-softmax of token `target` at the last position of sequence 0.
    const scalar = (logits: tf.Tensor3D): tf.Scalar =>
      tf.tidy(() => tf.logSoftmax(tf.slice(logits, [0, 4, 0], [1, 1, -1])).reshape([-1]).gather(target).asScalar());
    for (const name of [hookName.mlpPost(0), hookName.residPre(1), hookName.v(0)]) {
      const { value, grads } = gradsAt(m, x, [name], scalar);
      const g = grads.get(name)!;
      expect(g.shape).toEqual(hookShape(config, name, 2, 5));
      const gv = g.dataSync();
      // pick the coordinate with the largest gradient (position ≤ 4 of sequence 0)
      let idx = 0;
      for (let i = 0; i < gv.length; i++) if (Math.abs(gv[i]!) > Math.abs(gv[idx]!)) idx = i;
      const eps = 1e-2;
      const bump = (s: number) => {
        const logits = runWithHooks(m, x, {
          [name]: (a) => tf.tidy(() => tf.add(a, tf.oneHot(tf.tensor1d([idx], 'int32'), a.size).reshape(a.shape).mul(s * eps))),
        });
        const v = tf.tidy(() => scalar(logits).dataSync()[0]!);
        logits.dispose();
        return v;
      };
      const fd = (bump(1) - bump(-1)) / (2 * eps);
      expect(Math.abs(fd - gv[idx]!)).toBeLessThan(0.02 * Math.abs(gv[idx]!) + 1e-4);
      expect(value).toBeLessThan(0);
      g.dispose();
    }
    tf.dispose(x);
    m.dispose();
  });
});

it('rejects unknown hook names with a suggestion', () => {
  const c = tinyConfig('gpt2');
  expect(() => checkHookName(c, 'blocks.1.mlp.hook_psot')).toThrow(/did you mean 'blocks.1.mlp.hook_post'/);
  expect(() => checkHookName(c, 'blocks.9.hook_resid_pre')).toThrow(UnknownHookError);
  expect(() => checkHookName(c, 'blocks.0.attn.hook_rot_q')).toThrow(UnknownHookError); // llama only
  const m = Transformer.init(c, 0);
  const x = ids();
  expect(() => runWithCache(m, x, ['hook_embd'])).toThrow(/did you mean 'hook_embed'/);
  tf.dispose(x);
  m.dispose();
});
