// The worked examples of README "Adding a method": one method of each family written on defineMethod,
// run on models/tiny-gpt2. They are tests, so the README's code compiles and does what it says.
//   1. locate-then-edit with a corpus stage: a rank-one edit of one MLP's W_out whose key statistics
//      C = E[k kᵀ] come from a text corpus (ROME's closed form, Meng et al. 2022, eq. 2, with the value
//      shift set toward the new target's unembedding instead of optimised);
//   2. a memory method with extra state: the real GRACE (grace/grace.ts, tested in grace/grace.spec.ts);
//   3. an unlearning method with a retain set: gradient difference (REFERENCE "GD": −NLL(forget) +
//      NLL(retain)) over the forget requests and ctx.retain.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { runWithCache } from '../hooks/run';
import { hookName, type HookName } from '../hooks/names';
import { hashString } from '../model/prng';
import { encodePairs } from '../train/batch';
import type { EditModel, ForgetRequest, PrepareStage, Request } from './editor';
import { defineMethod } from './common/define';
import { MethodInputError } from './common/errors';
import { int, num } from './common/params';
import { runJointPhase } from './common/phase';
import { layerProblems } from './common/shape';
import { CF_RECORDS } from './testing/cf-records';
import { meanNll, sameBytes, toRequest, weightBytes, loadDefaultModel } from './testing/harness';

// ---- shared helpers of the examples (a real method would put them in methods/common/).

/** Token ids the model reads for a prompt (BOS first when the tokenizer has one). */
function ids(m: EditModel, text: string): number[] {
  return [...(m.tokenizer.bosId !== undefined ? [m.tokenizer.bosId] : []), ...m.tokenizer.encode(text)];
}

/** One activation vector: hook `name` at token `pos` of `text`. */
function activation(m: EditModel, text: string, name: HookName, pos = -1): Float32Array {
  const t = ids(m, text);
  const { logits, cache } = runWithCache(m.transformer, Transformer2D(t), [name]);
  const a = cache.get(name);
  const i = pos < 0 ? t.length + pos : pos;
  const row = tf.tidy(() => a.slice([0, i, 0], [1, 1, -1]).reshape([-1]).dataSync() as Float32Array).slice();
  logits.dispose();
  cache.dispose();
  return row;
}
const Transformer2D = (t: number[]) => tf.tensor2d([t], [1, t.length], 'int32');

/** The output-embedding direction u_new − u_true of two targets' first tokens (tied or separate unembedding). */
function targetDirection(m: EditModel, targetNew: string, targetTrue: string): Float32Array {
  const [a, b] = [m.tokenizer.encode(targetNew)[0]!, m.tokenizer.encode(targetTrue)[0]!];
  return tf.tidy(() => {
    const tied = !m.transformer.params.has('unembed.W_U');
    const col = (id: number) => (tied ? m.transformer.param('embed.W_E').gather([id]).reshape([-1]) : m.transformer.param('unembed.W_U').gather([id], 1).reshape([-1]));
    return tf.sub(col(a), col(b)).dataSync() as Float32Array;
  });
}

// ---- 1. Locate-then-edit with a corpus stage.

/** Prepare stage: the uncentered covariance C = E[k kᵀ] of layer-l MLP keys over the corpus, as a binary file. */
const keyStats: PrepareStage<{ readonly layer: number; readonly maxDocs: number }, { file: string; dim: number; tokens: number }> = {
  name: 'key-stats',
  reads: 'corpus',
  inputs: (p) => ({ layer: p.layer, maxDocs: p.maxDocs }), // a sweep over `scale` reuses the statistics
  run(model, p, input) {
    const m = model.transformer.config.dMlp;
    const c = new Float64Array(m * m);
    let tokens = 0;
    for (const doc of (input.corpus ?? []).slice(0, p.maxDocs)) {
      const t = ids(model, doc).slice(0, model.transformer.config.maxSeq);
      const { logits, cache } = runWithCache(model.transformer, Transformer2D(t), [hookName.mlpPost(p.layer)]);
      const k = cache.get(hookName.mlpPost(p.layer)).dataSync() as Float32Array; // [1, T, m]
      for (let r = 0; r < t.length; r++, tokens++) {
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) c[i * m + j]! += k[r * m + i]! * k[r * m + j]!;
      }
      logits.dispose();
      cache.dispose();
    }
    writeFileSync(join(input.dir, 'cov.f32'), new Float32Array(c.map((x) => x / Math.max(tokens, 1))));
    return { file: 'cov.f32', dim: m, tokens };
  },
};

/** x = (C + λI)⁻¹ b by conjugate gradients (C symmetric positive semi-definite). */
function solve(c: Float32Array, b: Float32Array, lambda: number): Float32Array {
  const n = b.length;
  const mul = (v: Float32Array) => Float32Array.from({ length: n }, (_x, i) => c.subarray(i * n, i * n + n).reduce((s, cij, j) => s + cij * v[j]!, lambda * v[i]!));
  const x = new Float32Array(n);
  const r = b.slice();
  const d = r.slice();
  let rr = r.reduce((s, v) => s + v * v, 0);
  for (let it = 0; it < n && rr > 1e-12; it++) {
    const q = mul(d);
    const alpha = rr / d.reduce((s, v, i) => s + v * q[i]!, 0);
    for (let i = 0; i < n; i++) (x[i]! += alpha * d[i]!), (r[i]! -= alpha * q[i]!);
    const rr2 = r.reduce((s, v) => s + v * v, 0);
    for (let i = 0; i < n; i++) d[i] = r[i]! + (rr2 / rr) * d[i]!;
    rr = rr2;
  }
  return x;
}

export const rankOne = defineMethod({
  id: 'rank-one',
  version: '1',
  description: 'ROME-style rank-one edit of one MLP W_out, key covariance from a corpus stage',
  properties: {
    layer: int(1, 'MLP layer to edit', { min: 0 }),
    maxDocs: int(64, 'corpus documents the key statistics read', { min: 1 }),
    scale: num(10, 'size of the value shift along u_new − u_true', { exclusiveMin: 0 }),
  },
  maxBatch: 1,
  stages: [keyStats],
  check: (p, shape) => layerProblems('layer', p.layer, shape),
  edit(model, [r], p, ctx) {
    const stats = ctx.prepared?.[keyStats.name]; // { value, dir }: the stage's JSON and its files
    if (!stats) throw new MethodInputError('no key statistics: run the key-stats stage first');
    const { file, dim } = stats.value as { file: string; dim: number };
    const cov = new Float32Array(readFileSync(join(stats.dir, file)).buffer.slice(0));
    // k*: the key at the prompt's last token (ROME takes the subject's last token and optimises the value
    // v*; this example sets the value shift δ directly, so it writes where the next token is read);
    // ΔW = (C⁻¹k*) δᵀ / (k*ᵀC⁻¹k*) makes k*·W' = k*·W + δ and moves keys uncorrelated with k* least.
    const k = activation(model, r!.prompt, hookName.mlpPost(p.layer));
    const ck = solve(cov, k, 1e-3);
    const denom = ck.reduce((s, v, i) => s + v * k[i]!, 0);
    const dir = targetDirection(model, r!.targetNew, r!.targetTrue ?? r!.targetNew);
    const norm = Math.hypot(...dir) || 1;
    const name = `blocks.${p.layer}.mlp.W_out`;
    ctx.snapshot([name]);
    const w = model.transformer.param(name);
    const next = tf.tidy(() => tf.add(w, tf.outerProduct(tf.tensor1d(ck.map((v) => v / denom)), tf.tensor1d(dir.map((v) => (p.scale * v) / norm)))));
    w.assign(next);
    next.dispose();
    return { rank: [dim] };
  },
});

// ---- 3. An unlearning method with a retain set.

/** (prompt, answer) pairs of requests: a forget request's question/answer, a rewrite's prompt/true target. */
function answered(requests: readonly Request[]): { prompt: string; target: string }[] {
  return requests.flatMap((r) =>
    r.kind === 'forget' ? [{ prompt: r.question, target: r.answer }] : r.targetTrue !== undefined ? [{ prompt: r.prompt, target: r.targetTrue }] : [],
  );
}

export const gradDiff = defineMethod({
  id: 'grad-diff',
  version: '1',
  description: 'Gradient difference: ascend the NLL of the forget answers, descend it on the retain set, at the MLPs of some layers',
  edits: 'forget',
  properties: {
    steps: int(8, 'optimizer steps', { min: 1 }),
    lr: num(1e-3, 'Adam learning rate', { exclusiveMin: 0 }),
    forgetWeight: num(1, 'weight of the ascent term (TOFU/PISTOL: 1)', { min: 0 }),
  },
  edit(model, requests, p, ctx) {
    if (!ctx.retain?.length) throw new MethodInputError('gradient difference needs a retain set (spec `retain:`)');
    const names = Array.from({ length: model.transformer.config.nLayers }, (_x, l) => `blocks.${l}.mlp.W_out`);
    const forgetEx = encodePairs(model.tokenizer, answered(requests));
    const retainEx = encodePairs(model.tokenizer, answered(ctx.retain));
    ctx.snapshot(names);
    return runJointPhase(model.transformer, forgetEx, retainEx, {
      method: 'grad-diff', phase: 'unlearn', params: names, steps: p.steps, lr: p.lr, optimizer: 'adam',
      seed: hashString('unlearn', ctx.seed), alpha: p.forgetWeight,
    });
  },
});

// ---- The examples run.

let gpt2: EditModel;
beforeAll(async () => {
  await initBackend();
  gpt2 = await loadDefaultModel('tiny-gpt2');
});
afterAll(() => gpt2?.transformer.dispose());

const margin = (m: EditModel, prompt: string, good: string, bad: string) => {
  const [g, b] = meanNll(m, [{ prompt, continuation: good }, { prompt, continuation: bad }]);
  return b! - g!;
};

describe('README "Adding a method" examples on tiny-gpt2', () => {
  const r = toRequest(CF_RECORDS[0]!);

  it('1. rank-one: the corpus stage writes C as a file; the edit moves the prompt toward the new target; undo is exact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-stats-'));
    try {
      const corpus = CF_RECORDS.flatMap((x) => [`${x.prompt}${x.targetTrue}.`, ...x.paraphrases.map((q) => `${q}${x.targetTrue}.`)]);
      const p = rankOne.resolve({});
      const value = await rankOne.stages[0]!.run(gpt2, p, { seed: 0, dir, corpus });
      expect(value).toMatchObject({ file: 'cov.f32', dim: 512 });
      expect(readFileSync(join(dir, 'cov.f32')).byteLength).toBe(4 * 512 * 512);
      const before = weightBytes(gpt2);
      const m0 = margin(gpt2, r.prompt, r.targetNew, r.targetTrue!);
      const res = rankOne.apply(gpt2, [r], {}, { seed: 0, prepared: { 'key-stats': { value, dir } } });
      expect(sameBytes(before, weightBytes(gpt2))).toEqual(['blocks.1.mlp.W_out']);
      expect(margin(gpt2, r.prompt, r.targetNew, r.targetTrue!)).toBeGreaterThan(m0 + 1);
      res.undo();
      expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
      expect(rankOne.check({ layer: 4 }, { arch: 'gpt2', layers: 4, dModel: 128, heads: 4, dMlp: 512, vocab: 2048, window: 64 })).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('3. grad-diff: forgets the forget answers more than the retain answers; needs forget requests and a retain set', () => {
    const asForget = (x: (typeof CF_RECORDS)[number]): ForgetRequest => ({ kind: 'forget', question: x.prompt, answer: x.targetTrue });
    const forgetSet = CF_RECORDS.slice(0, 3).map(asForget);
    const retain = CF_RECORDS.slice(3).map(asForget);
    const nll = (rs: readonly ForgetRequest[]) => meanNll(gpt2, rs.map((x) => ({ prompt: x.question, continuation: x.answer })));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [f0, r0] = [mean(nll(forgetSet)), mean(nll(retain))];
    const before = weightBytes(gpt2);
    const res = gradDiff.apply(gpt2, forgetSet, {}, { seed: 0, retain });
    const [f1, r1] = [mean(nll(forgetSet)), mean(nll(retain))];
    expect(f1 - f0).toBeGreaterThan(1); // the forget answers became much less likely
    expect(r1 - r0).toBeLessThan((f1 - f0) / 4); // the retain answers much less so
    res.undo();
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
    expect(() => gradDiff.apply(gpt2, [r], {}, { seed: 0, retain })).toThrow(/grad-diff: request 0 is a rewrite request/);
    expect(() => gradDiff.apply(gpt2, forgetSet, {}, { seed: 0 })).toThrow(/grad-diff: gradient difference needs a retain set/);
  });
});
