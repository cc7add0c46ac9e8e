import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/index';
import type { EditModel, ForgetRequest, RewriteRequest } from '../editor';
import { loadDefaultModel, sameBytes, weightBytes } from '../testing/harness';
import { defineMethod } from './define';
import { MethodDivergedError, MethodInputError, MethodParamError } from './errors';
import { bool, int, layerList, num, oneOf } from './params';
import { layerProblems } from './shape';

let gpt2: EditModel;
beforeAll(async () => {
  await initBackend();
  gpt2 = await loadDefaultModel('tiny-gpt2');
});
afterAll(() => gpt2?.transformer.dispose());

const REWRITE: RewriteRequest = { prompt: 'The capital of Varonia is', subject: 'Varonia', targetNew: ' Quelmir', targetTrue: ' Dastrun' };
const FORGET: ForgetRequest = { kind: 'forget', question: 'Question: Where was Ada Brun born?\nAnswer:', answer: ' Quelmir', rephrasings: ['Question: Ada Brun was born where?\nAnswer:'] };

/** A fake method: adds `delta` to one MLP bias, keeps a side memory of the prompts it saw, may fail. */
const memory = new Map<string, string>();
const seen: RewriteRequest[] = [];
const fake = defineMethod({
  id: 'fake',
  version: '1',
  description: 'a fake method that shifts an MLP bias and remembers its prompts',
  properties: {
    layer: int(1, 'MLP layer whose b_out is shifted', { min: 0 }),
    delta: num(0.5, 'shift'),
    fail: bool(false, 'throw after changing the weights'),
    mode: oneOf(['add', 'sub'] as const, 'add', 'direction'),
    extra: layerList('more layers'),
  },
  maxBatch: 2,
  check: (p, shape) => layerProblems('layer', p.layer, shape),
  edit(model, requests, p, ctx) {
    // The params are typed from their builders: no casts.
    const layer: number = p.layer;
    const mode: 'add' | 'sub' = p.mode;
    const extra: readonly number[] = p.extra;
    seen.push(...requests);
    const name = `blocks.${layer}.mlp.b_out`;
    ctx.snapshot([name]);
    ctx.snapshot([name]); // a second copy of the same weight: undo still restores the first
    const v = model.transformer.param(name);
    const next = tf.tidy(() => tf.add(v, (mode === 'add' ? 1 : -1) * p.delta));
    v.assign(next);
    next.dispose();
    for (const r of requests) memory.set(r.prompt, r.targetNew);
    ctx.onUndo(() => requests.forEach((r) => memory.delete(r.prompt)));
    ctx.keeps({ params: requests.length, bytes: 8 * requests.length + extra.length });
    if (p.fail) throw new MethodDivergedError('fake', 'shift', 0, NaN);
    return { shift: [p.delta] };
  },
});

describe('defineMethod', () => {
  it('undo restores the weights bit-exactly and removes the extra state, once; stats carry what it keeps', () => {
    const before = weightBytes(gpt2);
    const res = fake.apply(gpt2, [REWRITE], {}, { seed: 0 });
    expect(sameBytes(before, weightBytes(gpt2))).toEqual(['blocks.1.mlp.b_out']);
    expect(memory.get(REWRITE.prompt)).toBe(' Quelmir');
    expect(res.stats).toMatchObject({ extraParams: 1, extraBytes: 8, losses: { shift: [0.5] } });
    res.undo();
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
    expect(memory.size).toBe(0);
    memory.set('other', 'x');
    res.undo(); // idempotent: does not remove state added since
    expect(memory.get('other')).toBe('x');
    memory.clear();
  });

  it('an error inside edit() restores the model, and the message carries the method id once', () => {
    const before = weightBytes(gpt2);
    expect(() => fake.apply(gpt2, [REWRITE], { fail: true }, { seed: 0 })).toThrow(/^fake: shift phase diverged/);
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
    expect(memory.size).toBe(0);
  });

  it('checks the batch, the params and the shape before edit() runs', () => {
    const n = seen.length;
    expect(() => fake.apply(gpt2, [], {}, { seed: 0 })).toThrow(/^fake: no requests/);
    expect(() => fake.apply(gpt2, [REWRITE, REWRITE, REWRITE], {}, { seed: 0 })).toThrow(/^fake: 3 requests .* at most 2/);
    expect(() => fake.apply(gpt2, [REWRITE], { delta: 'x' }, { seed: 0 })).toThrow(MethodParamError);
    expect(() => fake.apply(gpt2, [REWRITE], { layer: 4 }, { seed: 0 })).toThrow(/^fake: param 'layer': layer 4 is out of range: this model has layers 0\.\.3/);
    expect(fake.check({ layer: 9 }, { arch: 'gpt2', layers: 12, dModel: 8, heads: 2, dMlp: 32, vocab: 10, window: 16 })).toEqual([]);
    expect(fake.check({ layer: 9 }, { arch: 'gpt2', layers: 4, dModel: 8, heads: 2, dMlp: 32, vocab: 10, window: 16 })[0]).toMatchObject({ param: 'layer' });
    expect(seen.length).toBe(n);
  });

  it('an editing method takes a forget request as a rewrite toward the refusal', () => {
    fake.apply(gpt2, [FORGET], {}, { seed: 0 }).undo();
    expect(seen.at(-1)).toEqual({
      kind: 'rewrite', prompt: FORGET.question, subject: 'Ada Brun', targetNew: " I don't know.", targetTrue: ' Quelmir', trainPrompts: FORGET.rephrasings,
    });
    expect(fake.accepts).toEqual(['rewrite', 'forget']);
  });

  it('a forget-only method refuses rewrite requests', () => {
    const got: ForgetRequest[] = [];
    const ga = defineMethod({
      id: 'ga-fake', version: '1', description: 'forget-only fake', properties: {}, edits: 'forget',
      edit(_m, requests) {
        got.push(...requests);
        return {};
      },
    });
    expect(ga.accepts).toEqual(['forget']);
    expect(() => ga.apply(gpt2, [REWRITE], {}, { seed: 0 })).toThrow(MethodInputError);
    expect(() => ga.apply(gpt2, [REWRITE], {}, { seed: 0 })).toThrow(/^ga-fake: request 0 is a rewrite request; this method takes forget requests/);
    ga.apply(gpt2, [FORGET], {}, { seed: 0 }).undo();
    expect(got).toEqual([FORGET]);
  });
});
