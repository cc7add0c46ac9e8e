import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/index';
import type { EditModel, MlpLocation } from '../editor';
import { MethodDivergedError, MethodInputError, MethodParamError } from '../common/errors';
import { defaultParams } from '../common/params';
import { targetExamples } from '../common/phase';
import { takeSnapshot } from '../common/snapshot';
import { CF_RECORDS } from '../testing/cf-records';
import { fixedLocation, preparedLocation, fractions, loadDefaultModel, meanNll, sameBytes, scoreRecord, toRequest, weightBytes } from '../testing/harness';
import { forget } from './forget';
import { editableParams, forgetPhase } from '../common/forget-phases';

// The location: MLP zero-ablation ranking on tiny-gpt2 over the fixture records (drop in log p(true) when
// blocks.l.hook_mlp_out is zeroed, on the checkpoints of that time: 10.6, 0.17, 0.03, 0.08 → [0, 1, 3, 2]; testing/mlp-ablation.spec.ts has today's), given per
// relation; `all` is deliberately different so a test sees that byRelation wins.
const RANKING = [0, 1, 3, 2];
const LOCATION: MlpLocation = { byRelation: Object.fromEntries(CF_RECORDS.map((r) => [r.relationId, RANKING])), all: [3, 2] };
const CTX = { seed: 1, prepared: preparedLocation(LOCATION) };

let gpt2: EditModel;
beforeAll(async () => {
  await initBackend();
  gpt2 = await loadDefaultModel('tiny-gpt2');
});
afterAll(() => gpt2?.transformer.dispose());

describe('forget (ForGet)', () => {
  it('edits every record on the rewrite prompt, most paraphrases, keeps most neighbours; only the top-2 located MLPs change', () => {
    const before = weightBytes(gpt2);
    const n0 = tf.memory().numTensors;
    const scores = CF_RECORDS.map((r) => {
      const res = forget.apply(gpt2, [toRequest(r)], defaultParams(forget), CTX);
      const s = scoreRecord(gpt2, r);
      const changed = sameBytes(before, weightBytes(gpt2));
      expect(changed.every((n) => /^blocks\.[01]\.mlp\./.test(n)), changed.join(',')).toBe(true);
      expect(changed.length).toBeGreaterThan(0);
      expect(res.stats.losses!.forget!.length).toBe(5);
      expect(res.stats.losses!.learn!.length).toBeGreaterThan(0);
      expect(res.stats.extraParams).toBe(0);
      res.undo();
      return s;
    });
    const f = fractions(scores);
    // Measured (seed 1, defaults): efficacy 10/10, generalization 20/20, locality 31/40 = 0.775.
    expect(f.efficacy).toBe(1);
    expect(f.generalization).toBeGreaterThanOrEqual(0.8);
    expect(f.locality).toBeGreaterThanOrEqual(0.6);
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
    expect(tf.memory().numTensors).toBe(n0);
  });

  it('the forget phase alone lowers P(old | prompt) (gradient ascent, eq. 4–5)', () => {
    const p = defaultParams(forget);
    for (const r of CF_RECORDS.slice(0, 3)) {
      const req = toRequest(r);
      const { names } = editableParams('forget', gpt2.transformer, req, p, CTX);
      const pair = [{ prompt: r.prompt, continuation: r.targetTrue }];
      const nll0 = meanNll(gpt2, pair)[0]!;
      const snap = takeSnapshot(gpt2.transformer, names);
      const losses = forgetPhase('forget', gpt2.transformer, targetExamples(gpt2.tokenizer, [req], 'true', 'forget'), names, p, 1);
      const nll1 = meanNll(gpt2, pair)[0]!;
      snap.restore();
      expect(losses.length).toBe(5);
      expect(losses[losses.length - 1]!).toBeGreaterThan(losses[0]!); // the ascent raises the NLL step by step
      expect(nll1).toBeGreaterThan(nll0 + 0.05);
    }
  });

  it('undo restores every parameter bit for bit, a second undo is a no-op, no tensors leak (scope all)', () => {
    const before = weightBytes(gpt2);
    const n0 = tf.memory().numTensors;
    const res = forget.apply(gpt2, [toRequest(CF_RECORDS[0]!)], { ...defaultParams(forget), scope: 'all' }, { seed: 3 });
    const changed = sameBytes(before, weightBytes(gpt2));
    expect(changed.length).toBeGreaterThan(20); // the whole model was trainable (Table 2 'ForGet (forget+learn)')
    expect(scoreRecord(gpt2, CF_RECORDS[0]!).efficacy).toBe(true);
    res.undo();
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
    res.undo();
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
    expect(tf.memory().numTensors).toBe(n0);
  });

  it('learn-only (forget: false), k = 1 and explicit layers edit, and touch only their MLPs', () => {
    const before = weightBytes(gpt2);
    const cases = [
      { params: { forget: false }, layers: /^blocks\.[01]\.mlp\./ },
      { params: { k: 1 }, layers: /^blocks\.0\.mlp\./ },
      { params: { layers: [2], matrices: 'out' }, layers: /^blocks\.2\.mlp\.(W_out|b_out)$/ },
    ];
    for (const c of cases) {
      const r = CF_RECORDS[1]!;
      const res = forget.apply(gpt2, [toRequest(r)], { ...defaultParams(forget), ...c.params }, CTX);
      const changed = sameBytes(before, weightBytes(gpt2));
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.every((n) => c.layers.test(n)), `${JSON.stringify(c.params)}: ${changed.join(',')}`).toBe(true);
      expect(scoreRecord(gpt2, r).efficacy).toBe(true);
      if (c.params.forget === false) expect(res.stats.losses!.forget).toEqual([]);
      res.undo();
    }
  });

  it('refuses a forget phase that is not weaker than the learn phase, and bad inputs', () => {
    const req = [toRequest(CF_RECORDS[0]!)];
    const d = defaultParams(forget);
    expect(() => forget.apply(gpt2, req, { ...d, forgetSteps: 30, learnSteps: 20 }, CTX)).toThrow(/forget phase must be weaker.*forgetSteps 30 > learnSteps 20/);
    expect(() => forget.apply(gpt2, req, { ...d, forgetLr: 1e-2, learnLr: 1e-3 }, CTX)).toThrow(MethodParamError);
    expect(() => forget.apply(gpt2, req, { ...d, forgetSteps: 20, learnSteps: 20, forgetLr: 1e-3, learnLr: 1e-3 }, CTX)).toThrow(/equal|= learnSteps/);
    // equal steps with a smaller forget lr is weaker: accepted (and learn-only skips the rule)
    expect(() => forget.apply(gpt2, req, { ...d, forget: false, forgetSteps: 30 }, CTX).undo()).not.toThrow();
    expect(() => forget.apply(gpt2, req, { ...d, stepz: 3 }, CTX)).toThrow(/unknown param 'stepz'/);
    expect(() => forget.apply(gpt2, req, { ...d, k: 0 }, CTX)).toThrow(/'k' must be ≥ 1/);
    expect(() => forget.apply(gpt2, req, d, { seed: 1 })).toThrow(MethodInputError);
    expect(() => forget.apply(gpt2, [{ ...req[0]!, targetTrue: undefined }], d, CTX)).toThrow(/needs it/);
    expect(() => forget.apply(gpt2, [...req, ...req], d, CTX)).toThrow(/at most 1/);
    expect(() => forget.apply(gpt2, req, { ...d, layers: [7] }, CTX)).toThrow(/out of range/);
  });

  it('is deterministic for a seed', () => {
    const before = weightBytes(gpt2);
    const run = (): Map<string, Uint8Array> => {
      const res = forget.apply(gpt2, [toRequest(CF_RECORDS[2]!)], defaultParams(forget), CTX);
      const w = weightBytes(gpt2);
      res.undo();
      return w;
    };
    const a = run();
    const b = run();
    expect(sameBytes(a, b)).toEqual([]);
    expect(sameBytes(before, a).length).toBeGreaterThan(0);
  });

  it('a non-finite loss throws MethodDivergedError and leaves the model as it was', () => {
    const name = 'blocks.1.mlp.W_out';
    const v = gpt2.transformer.param(name);
    const orig = (v.dataSync() as Float32Array).slice();
    const poisoned = orig.slice();
    poisoned[0] = Number.NaN;
    v.assign(tf.tensor(poisoned, v.shape));
    const before = weightBytes(gpt2);
    expect(() => forget.apply(gpt2, [toRequest(CF_RECORDS[0]!)], defaultParams(forget), CTX)).toThrow(MethodDivergedError);
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
    v.assign(tf.tensor(orig, v.shape));
  });
});

describe('forget on tiny-llama', () => {
  it('edits the rewrite prompts at the located SwiGLU MLPs (W_gate, W_in, W_out)', async () => {
    const llama = await loadDefaultModel('tiny-llama');
    const before = weightBytes(llama);
    const scores = CF_RECORDS.slice(0, 5).map((r) => {
      const res = forget.apply(llama, [toRequest(r)], defaultParams(forget), { seed: 1, prepared: fixedLocation(RANKING) });
      const changed = sameBytes(before, weightBytes(llama));
      expect(new Set(changed.map((n) => n.split('.').pop()))).toEqual(new Set(['W_gate', 'W_in', 'W_out']));
      const s = scoreRecord(llama, r);
      res.undo();
      return s;
    });
    expect(fractions(scores).efficacy).toBe(1);
    expect(sameBytes(before, weightBytes(llama))).toEqual([]);
    llama.transformer.dispose();
  });
});
