import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/index';
import { hookName } from '../../hooks/names';
import { runWithCache } from '../../hooks/run';
import type { EditModel, MethodContext } from '../editor';
import { textIds } from '../common/mlp-adaptor';
import { modelMemoryNames } from '../common/model-memory';
import { CF_RECORDS } from '../testing/cf-records';
import { checkRefusalEdit, firstToken, lastLogits, top1 } from '../testing/memory-checks';
import { meanNll, sameBytes, toRequest, weightBytes, loadDefaultModel } from '../testing/harness';
import { tiesMerge, trimToDensity } from './ties';
import { WISE_LOC_STAGE, wise, wiseAdaptor } from './wise';

let gpt2: EditModel;
let ctx: MethodContext;
let dir: string;
beforeAll(async () => {
  await initBackend();
  gpt2 = await loadDefaultModel('tiny-gpt2');
  // Out-of-scope texts: facts of records the tests do not edit (the runner passes the model's corpus).
  dir = mkdtempSync(join(tmpdir(), 'wise-loc-'));
  const corpus = CF_RECORDS.slice(6).flatMap((x) => x.neighborhood.map((q) => `${q}${x.targetTrue}.`));
  const value = await WISE_LOC_STAGE.run(gpt2, wise.resolve({}), { seed: 0, dir, corpus });
  ctx = { seed: 0, prepared: { 'wise-loc': { value, dir } } };
});
afterAll(() => {
  gpt2?.transformer.dispose();
  rmSync(dir, { recursive: true, force: true });
});


/** The adaptor's routing score at the last token of a prompt, and its threshold. */
function routing(m: EditModel, prompt: string): { score: number; threshold: number } {
  const a = wiseAdaptor(m, 3)!;
  const ids = textIds(m.tokenizer, prompt);
  const input = tf.tensor2d([ids], [1, ids.length], 'int32');
  const { logits, cache } = runWithCache(m.transformer, input, [hookName.mlpPost(3)]);
  const score = tf.tidy(() => {
    const key = cache.get(hookName.mlpPost(3)) as tf.Tensor3D;
    const [B, T, k] = key.shape;
    const w = m.transformer.param('blocks.3.mlp.W_out');
    const main = tf.reshape(tf.add(tf.matMul(tf.reshape(key, [B * T, k]), w), m.transformer.param('blocks.3.mlp.b_out')), [B, T, -1]) as tf.Tensor3D;
    return a.best(main, key)!.score.dataSync()[T - 1]!;
  });
  tf.dispose([input, logits]);
  cache.dispose();
  return { score, threshold: a.threshold };
}

describe('TIES merging (Yadav et al. 2023)', () => {
  it('trims by magnitude, elects the sign of the weighted sum, averages the agreeing entries', () => {
    expect([...trimToDensity(Float32Array.from([0.1, -3, 2, 0.5]), 0.5)]).toEqual([0, -3, 2, 0]);
    const base = Float32Array.from([1, 1, 1]);
    const a = Float32Array.from([3, 0, 1]); // τ = (2, −1, 0)
    const b = Float32Array.from([2, 3, 1]); // τ = (1, 2, 0)
    // entry 0: both +, mean 1.5; entry 1: −0.5 + 1 > 0 → + wins, only b: 2; entry 2: nothing → base
    expect([...tiesMerge(base, [a, b], [0.5, 0.5], 1)]).toEqual([2.5, 3, 1]);
  });
});

describe('wise on tiny-gpt2', () => {
  const r = toRequest(CF_RECORDS[0]!);
  const unrelated = CF_RECORDS[5]!;
  // 12 SGD steps instead of the reference's 70 keep the file quick: the loss is below 0.1 after 5 (tiny-gpt2).
  const quick = { nIter: 12 };

  it('the edit prompt routes to the side memory and gives the target; an unrelated prompt routes to the main memory, unchanged', () => {
    const before = weightBytes(gpt2);
    const far0 = lastLogits(gpt2, unrelated.prompt);
    const edit0 = lastLogits(gpt2, r.prompt);
    expect(top1(gpt2, r.prompt)).not.toBe(firstToken(gpt2, r.targetNew));
    const res = wise.apply(gpt2, [r], quick, ctx);
    const inScope = routing(gpt2, r.prompt);
    const out = routing(gpt2, unrelated.prompt);
    expect(inScope.score).toBeGreaterThanOrEqual(inScope.threshold);
    expect(out.score).toBeLessThan(out.threshold);
    expect(top1(gpt2, r.prompt)).toBe(firstToken(gpt2, r.targetNew));
    expect(lastLogits(gpt2, unrelated.prompt)).toEqual(far0); // routed to W: bit for bit
    expect(gpt2.transformer.patchCount).toBe(2);
    expect(res.stats.extraParams).toBe(2 * 512 * 128); // side memory + the shard being edited
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]); // WISE never changes the model's weights
    res.undo();
    expect(gpt2.transformer.patchCount).toBe(0);
    expect(modelMemoryNames(gpt2.transformer)).toEqual([]);
    expect(lastLogits(gpt2, r.prompt)).toEqual(edit0);
  });

  it('sequential edits shard and TIES-merge the side memory; each undo restores the state before its apply', () => {
    const r2 = toRequest(CF_RECORDS[1]!);
    const p = { ...quick, saveFreq: 1, mergeFreq: 2 };
    const a = wise.apply(gpt2, [r], p, ctx);
    const one = wiseAdaptor(gpt2, 3)!.state;
    expect([one.count, one.memory.length, one.shard, one.side]).toEqual([1, 1, null, null]); // a finished shard, not merged yet
    expect(top1(gpt2, r.prompt)).toBe(firstToken(gpt2, r.targetNew)); // inference merges the pending shard
    const b = wise.apply(gpt2, [r2], p, ctx);
    const two = wiseAdaptor(gpt2, 3)!.state;
    expect([two.count, two.memory.length, two.side === null]).toEqual([2, 0, false]); // merged at mergeFreq
    expect(two.mask).not.toBe(one.mask); // a new shard, a new random mask
    const changed = (m: Float32Array | null) => (m ? m.filter((x, i) => x !== wiseAdaptor(gpt2, 3)!.baseData[i]).length : 0);
    // TIES keeps ⌊0.53·n⌋ entries of each shard's task vector: the merge holds more than one shard's, at most both
    const kept = Math.floor(0.53 * 512 * 128);
    expect(changed(two.side)).toBeGreaterThan(kept);
    expect(changed(two.side)).toBeLessThanOrEqual(2 * kept);
    expect(top1(gpt2, r.prompt)).toBe(firstToken(gpt2, r.targetNew));
    expect(top1(gpt2, r2.prompt)).toBe(firstToken(gpt2, r2.targetNew));
    b.undo();
    expect(wiseAdaptor(gpt2, 3)!.state).toBe(one);
    a.undo();
    expect(wiseAdaptor(gpt2, 3)).toBeUndefined();
    expect(gpt2.transformer.patchCount).toBe(0);
    expect(wise.check({ saveFreq: 3, mergeFreq: 4 }, { arch: 'gpt2', layers: 4, dModel: 128, heads: 4, dMlp: 512, vocab: 2048, window: 64 })).toEqual([
      { param: 'mergeFreq', message: 'must be a multiple of saveFreq (3), got 4' },
    ]);
  });

  it('a forget request is edited toward its refusal', () => {
    checkRefusalEdit(gpt2, wise, CF_RECORDS[2]!, quick, ctx);
  });
});

describe('wise on tiny-llama', () => {
  it('trains from W′ = W exactly (no b_out: the first distance is exactly 0) without a NaN, and edits', async () => {
    const llama = await loadDefaultModel('tiny-llama');
    try {
      const r = toRequest(CF_RECORDS[4]!);
      const before = weightBytes(llama);
      const corpus = CF_RECORDS.slice(6).flatMap((x) => x.neighborhood.map((q) => `${q}${x.targetTrue}.`));
      const value = await WISE_LOC_STAGE.run(llama, wise.resolve({}), { seed: 0, dir, corpus });
      const res = wise.apply(llama, [r], { nIter: 12 }, { seed: 0, prepared: { 'wise-loc': { value, dir } } });
      expect(res.stats.losses!['value']!.every(Number.isFinite)).toBe(true);
      expect(top1(llama, r.prompt)).toBe(firstToken(llama, r.targetNew));
      expect(top1(llama, CF_RECORDS[5]!.prompt)).toBe(firstToken(llama, CF_RECORDS[5]!.targetTrue));
      res.undo();
      expect(sameBytes(before, weightBytes(llama))).toEqual([]);
      expect(llama.transformer.patchCount).toBe(0);
    } finally {
      llama.transformer.dispose();
    }
  });
});
