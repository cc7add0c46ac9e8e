import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { hookName, hookShape, listHookNames } from './names';
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
    // every point except the opt-in per-head inputs (which switch ln1 to per-head mode; tested below)
    const names = listHookNames(config).filter((n) => !n.endsWith('hook_attn_in'));
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
    for (const name of [hookName.mlpPost(0), hookName.residPre(1), hookName.v(0), hookName.attnIn(1), hookName.mlpIn(0)]) {
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

  it('per-head inputs: identity keeps the logits, a change to one head moves only that head, gradients decompose', () => {
    const m = Transformer.init(config, 4);
    const x = ids();
    const base = m.forward(x);
    const split = runWithHooks(m, x, { [hookName.attnIn(1)]: (a) => a });
    expect(maxAbsDiff(base, split)).toBeLessThan(1e-5);
    // perturb head 0's input only (not by a constant: LayerNorm would remove it): head 0's pattern changes, the other heads' patterns do not
    const H = config.nHeads;
    const bump = (a: tf.Tensor) => tf.tidy(() => tf.add(a, tf.mul(tf.oneHot(tf.tensor1d([0], 'int32'), H).reshape([1, 1, H, 1]), tf.linspace(-1, 1, config.dModel).reshape([1, 1, 1, -1]))));
    const clean = runWithCache(m, x, [hookName.pattern(1)], { replace: { [hookName.attnIn(1)]: (a) => a } });
    const moved = runWithCache(m, x, [hookName.pattern(1)], { replace: { [hookName.attnIn(1)]: bump } });
    const head = (c: typeof clean, h: number) => tf.slice(c.cache.get(hookName.pattern(1)), [0, h, 0, 0], [-1, 1, -1, -1]);
    expect(maxAbsDiff(head(clean, 0), head(moved, 0))).toBeGreaterThan(1e-4);
    for (let h = 1; h < H; h++) expect(maxAbsDiff(head(clean, h), head(moved, h))).toBeLessThan(1e-6);
    // resid_pre = skip + Σ_h attn_in[h]  ⇒  ∂L/∂resid_pre = ∂L/∂resid_mid + Σ_h ∂L/∂attn_in[h]; same for the MLP.
    const scalar = (logits: tf.Tensor3D) => tf.sum(tf.mul(tf.logSoftmax(logits), 0.1)).asScalar();
    const names = [hookName.residPre(1), hookName.attnIn(1), hookName.residMid(1), hookName.mlpIn(1), hookName.residPost(1)];
    const { grads } = gradsAt(m, x, names, scalar);
    const g = (i: number) => grads.get(names[i]!)!;
    const viaAttn = tf.add(g(2), tf.sum(g(1), 2));
    const viaMlp = tf.add(g(4), g(3));
    expect(maxAbsDiff(viaAttn, g(0))).toBeLessThan(1e-4);
    expect(maxAbsDiff(viaMlp, g(2))).toBeLessThan(1e-4);
    expect(() => m.forwardWithCache(x, { hooks: { has: () => true, point: (_n, a) => a } })).toThrow(/KV cache/);
    tf.dispose([x, base, split, clean.logits, moved.logits, viaAttn, viaMlp, ...grads.values()]);
    clean.cache.dispose();
    moved.cache.dispose();
    m.dispose();
  });
});
