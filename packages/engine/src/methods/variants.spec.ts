import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import type { EditModel } from './editor';
import { arithmeticForget } from './common/arithmetic';
import { defaultParams } from './common/params';
import { targetExamples } from './common/phase';
import { takeSnapshot } from './common/snapshot';
import { CF_RECORDS } from './testing/cf-records';
import { fixedLocation, fractions, loadDefaultModel, meanNll, sameBytes, scoreRecord, toRequest, weightBytes } from './testing/harness';
import { fLearning } from './f-learning/f-learning';
import { forgetPa } from './forget-pa/forget-pa';
import { forgetU } from './forget-u/forget-u';

// The ForGet variants of Table 3 (forget-u, forget-pa) and F-Learning, on tiny-gpt2; location = the
// MLP zero-ablation ranking (see forget.spec.ts).
const CTX = { seed: 1, prepared: fixedLocation([0, 1, 3, 2]) };

let gpt2: EditModel;
beforeAll(async () => {
  await initBackend();
  gpt2 = await loadDefaultModel('tiny-gpt2');
});
afterAll(() => gpt2?.transformer.dispose());

describe.each([
  // Measured on the 10 fixture records, seed 1, defaults (efficacy / generalization / locality):
  { def: forgetU, only: /^blocks\.[01]\.mlp\./, gen: 0.8, loc: 0.5 }, // 10/10, 19/20, 31/40 (84414b6); loc 23/40 on the retrained aeb8df1
  { def: forgetPa, only: /^blocks\.[01]\.mlp\./, gen: 0.8, loc: 0.6 }, // 10/10, 20/20, 32/40
  { def: fLearning, only: /./, gen: 0.7, loc: 0.6 }, // 10/10, 18/20, 32/40
])('$def.id', ({ def, only, gen, loc }) => {
  it('makes the edit on every record; only its parameters change; undo is exact and leak-free', () => {
    const before = weightBytes(gpt2);
    const n0 = tf.memory().numTensors;
    const scores = CF_RECORDS.map((r) => {
      const res = def.apply(gpt2, [toRequest(r)], defaultParams(def), CTX);
      const changed = sameBytes(before, weightBytes(gpt2));
      expect(changed.length).toBeGreaterThan(0);
      expect(changed.every((n) => only.test(n)), changed.join(',')).toBe(true);
      expect(res.stats.losses!.forget!.length).toBeGreaterThan(0);
      expect(res.stats.losses!.learn!.length).toBeGreaterThan(0);
      const s = scoreRecord(gpt2, r);
      res.undo();
      res.undo();
      return s;
    });
    const f = fractions(scores);
    expect(f.efficacy).toBe(1);
    expect(f.generalization).toBeGreaterThanOrEqual(gen);
    expect(f.locality).toBeGreaterThanOrEqual(loc);
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
    expect(tf.memory().numTensors).toBe(n0);
  });

  it('is deterministic for a seed', () => {
    const run = (): Map<string, Uint8Array> => {
      const res = def.apply(gpt2, [toRequest(CF_RECORDS[4]!)], defaultParams(def), CTX);
      const w = weightBytes(gpt2);
      res.undo();
      return w;
    };
    expect(sameBytes(run(), run())).toEqual([]);
  });
});

describe('forget-u', () => {
  it('trains both terms together: NLL(old) rises while NLL(new) falls, and α ≥ 1 is refused', () => {
    const res = forgetU.apply(gpt2, [toRequest(CF_RECORDS[0]!)], { ...defaultParams(forgetU), stopAtLoss: 0, steps: 10 }, CTX);
    const { forget, learn } = res.stats.losses! as { forget: number[]; learn: number[] };
    res.undo();
    expect(forget.length).toBe(10);
    expect(forget[9]!).toBeGreaterThan(forget[0]!);
    expect(learn[9]!).toBeLessThan(learn[0]!);
    expect(() => forgetU.apply(gpt2, [toRequest(CF_RECORDS[0]!)], { ...defaultParams(forgetU), alpha: 1 }, CTX)).toThrow(/alpha 1 must be < 1/);
  });
});

describe('parametric arithmetic (F-Learning, ForGet-PA)', () => {
  it('W ← W₀ − λ·(W_ft − W₀): λ = −1 gives the fine-tuned W_ft, λ = 1 its mirror; the subtraction lowers P(old)', () => {
    const r = CF_RECORDS[5]!;
    const names = ['blocks.1.mlp.W_out', 'blocks.1.mlp.W_in'];
    const oldEx = targetExamples(gpt2.tokenizer, [toRequest(r)], 'true', 'test');
    const pair = [{ prompt: r.prompt, continuation: r.targetTrue }];
    const nll0 = meanNll(gpt2, pair)[0]!;
    const at = (lambda: number): { w: Float32Array; nll: number } => {
      const snap = takeSnapshot(gpt2.transformer, names);
      arithmeticForget(gpt2.transformer, snap, oldEx, { method: 'test', names, steps: 10, lr: 1e-3, lambda, optimizer: 'adam', seed: 7 });
      const w = (gpt2.transformer.param(names[0]!).dataSync() as Float32Array).slice();
      const nll = meanNll(gpt2, pair)[0]!;
      snap.restore();
      return { w, nll };
    };
    const w0 = (gpt2.transformer.param(names[0]!).dataSync() as Float32Array).slice();
    const ft = at(-1);
    const sub = at(1);
    let maxDelta = 0;
    for (let i = 0; i < w0.length; i++) {
      expect(Math.abs((ft.w[i]! + sub.w[i]!) / 2 - w0[i]!)).toBeLessThan(1e-6);
      maxDelta = Math.max(maxDelta, Math.abs(ft.w[i]! - w0[i]!));
    }
    expect(maxDelta).toBeGreaterThan(1e-3);
    expect(ft.nll).toBeLessThan(nll0); // fine-tuning on the old fact makes it likelier …
    expect(sub.nll).toBeGreaterThan(nll0 + 0.05); // … and subtracting that delta forgets it
  });

  it('f-learning with scope all trains attention and embeddings too; scope mlp only MLPs; batches work', () => {
    const before = weightBytes(gpt2);
    const reqs = CF_RECORDS.slice(0, 3).map(toRequest);
    const all = fLearning.apply(gpt2, reqs, defaultParams(fLearning), { seed: 2 });
    const changedAll = sameBytes(before, weightBytes(gpt2));
    for (const r of CF_RECORDS.slice(0, 3)) expect(scoreRecord(gpt2, r).efficacy).toBe(true);
    all.undo();
    expect(changedAll).toContain('embed.W_E');
    expect(changedAll.some((n) => n.includes('.attn.'))).toBe(true);
    const mlp = fLearning.apply(gpt2, reqs, { ...defaultParams(fLearning), scope: 'mlp', learnSteps: 0 }, { seed: 2 });
    const changedMlp = sameBytes(before, weightBytes(gpt2));
    mlp.undo();
    expect(changedMlp.length).toBe(16);
    expect(changedMlp.every((n) => n.includes('.mlp.'))).toBe(true);
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
  });
});
