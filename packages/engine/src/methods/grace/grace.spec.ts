import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/index';
import type { EditModel } from '../editor';
import { mlpKey, textIds } from '../common/mlp-adaptor';
import { modelMemoryNames } from '../common/model-memory';
import { CF_RECORDS } from '../testing/cf-records';
import { checkRefusalEdit, firstToken, lastLogits, top1 } from '../testing/memory-checks';
import { meanNll, sameBytes, toRequest, weightBytes, loadDefaultModel } from '../testing/harness';
import { updateCodebook, type CodebookEntry } from './codebook';
import { grace, graceCodebook } from './grace';

let gpt2: EditModel;
beforeAll(async () => {
  await initBackend();
  gpt2 = await loadDefaultModel('tiny-gpt2');
});
afterAll(() => gpt2?.transformer.dispose());

const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((v, i) => v - b[i]!));

describe('grace codebook rule (EasyEdit GRACE.py, iteration 0)', () => {
  const k = (...xs: number[]) => Float32Array.from(xs);
  const v = () => k(0);
  it('adds far keys, splits conflicting near keys, expands for the same label, keeps a query inside a ball', () => {
    let e: CodebookEntry[] = [];
    ({ entries: e } = updateCodebook(e, k(0, 0), [7], v, 1));
    expect(e.map((x) => x.eps)).toEqual([1]);
    const far = updateCodebook(e, k(3, 0), [8], v, 1); // d = 3 > 1 + 1
    expect([far.kind, far.entries.length, far.train]).toEqual(['added', 2, 1]);
    const split = updateCodebook(e, k(1.5, 0), [8], v, 1); // d = 1.5 ≤ 2, other label
    expect(split.kind).toBe('split');
    expect(split.entries.map((x) => x.eps)).toEqual([0.75 - 1e-5, 0.75]);
    const grow = updateCodebook(e, k(1.5, 0), [7], v, 1); // same label, d > ε
    expect([grow.kind, grow.entries.length, grow.entries[0]!.eps, grow.train]).toEqual(['expanded', 1, 1.5, 0]);
    const inside = updateCodebook(e, k(0.5, 0), [7], v, 1);
    expect([inside.kind, inside.entries]).toEqual(['within', e]);
  });
});

describe('grace on tiny-gpt2', () => {
  const r = toRequest(CF_RECORDS[0]!);
  const distant = CF_RECORDS[5]!;

  it('the rewrite prompt gives the new target; a prompt outside ε gives bit-identical logits; undo removes the codebook', () => {
    const before = weightBytes(gpt2);
    const far0 = lastLogits(gpt2, distant.prompt);
    const farScored0 = meanNll(gpt2, [{ prompt: distant.prompt, continuation: distant.targetTrue }]);
    expect(top1(gpt2, r.prompt)).not.toBe(firstToken(gpt2, r.targetNew));
    const res = grace.apply(gpt2, [r], {}, { seed: 0 });
    expect(gpt2.transformer.patchCount).toBe(2);
    const [entry] = graceCodebook(gpt2, 3);
    expect(entry!.eps).toBeCloseTo(Math.sqrt(512 / 11008), 6); // the default ε rule
    expect(dist(entry!.key, mlpKey(gpt2, textIds(gpt2.tokenizer, distant.prompt), 3))).toBeGreaterThan(entry!.eps);
    expect(top1(gpt2, r.prompt)).toBe(firstToken(gpt2, r.targetNew));
    const [nNew, nTrue] = meanNll(gpt2, [{ prompt: r.prompt, continuation: r.targetNew }, { prompt: r.prompt, continuation: r.targetTrue! }]);
    expect(nNew!).toBeLessThan(nTrue!);
    expect(lastLogits(gpt2, distant.prompt)).toEqual(far0);
    expect(meanNll(gpt2, [{ prompt: distant.prompt, continuation: distant.targetTrue }])).toEqual(farScored0);
    expect(res.stats.extraParams).toBe(512 + 128 + 1);
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]); // GRACE never changes a weight
    res.undo();
    expect(gpt2.transformer.patchCount).toBe(0);
    expect(modelMemoryNames(gpt2.transformer)).toEqual([]);
    expect(top1(gpt2, r.prompt)).not.toBe(firstToken(gpt2, r.targetNew));
  });

  it('a paraphrase inside a wider ε gets the edit, one outside it is untouched', () => {
    const keyOf = (p: string) => mlpKey(gpt2, textIds(gpt2.tokenizer, p), 3);
    const k = keyOf(r.prompt);
    const paras = CF_RECORDS[0]!.paraphrases.map((p) => ({ p, d: dist(k, keyOf(p)) })).sort((a, b) => a.d - b.d);
    const inside = paras[0]!;
    const eps = inside.d * 1.05;
    const outside = CF_RECORDS.slice(1).map((x) => ({ p: x.prompt, d: dist(k, keyOf(x.prompt)) })).filter((x) => x.d > eps)[0]!;
    const out0 = lastLogits(gpt2, outside.p);
    const in0 = top1(gpt2, inside.p);
    const res = grace.apply(gpt2, [r], { eps }, { seed: 0 });
    expect(in0).not.toBe(firstToken(gpt2, r.targetNew));
    expect(top1(gpt2, inside.p)).toBe(firstToken(gpt2, r.targetNew));
    expect(lastLogits(gpt2, outside.p)).toEqual(out0);
    res.undo();
  });

  it('sequential applies accumulate in the codebook; each undo restores the codebook before it', () => {
    const r2 = toRequest(CF_RECORDS[1]!);
    const a = grace.apply(gpt2, [r], {}, { seed: 0 });
    const one = graceCodebook(gpt2, 3);
    const b = grace.apply(gpt2, [r2], {}, { seed: 0 });
    expect(graceCodebook(gpt2, 3)).toHaveLength(2);
    expect(top1(gpt2, r.prompt)).toBe(firstToken(gpt2, r.targetNew));
    expect(top1(gpt2, r2.prompt)).toBe(firstToken(gpt2, r2.targetNew));
    b.undo();
    expect(graceCodebook(gpt2, 3)).toEqual(one);
    expect(top1(gpt2, r2.prompt)).not.toBe(firstToken(gpt2, r2.targetNew));
    a.undo();
    expect(graceCodebook(gpt2, 3)).toEqual([]);
    expect(gpt2.transformer.patchCount).toBe(0);
  });

  it('a forget request is edited toward its refusal', () => {
    checkRefusalEdit(gpt2, grace, CF_RECORDS[2]!, {}, { seed: 0 });
  });
});
