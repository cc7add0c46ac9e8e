// locateMlps on the committed checkpoints models/tiny-gpt2 and models/tiny-llama with facts of their own
// world (fixtures.ts). corruptFacts has its own spec (corrupt.spec.ts).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../backend/index';
import { loadCheckpoint } from '../checkpoint/index';
import type { EditModel } from '../methods/editor';
import { ModelConfigError } from '../model/errors';
import { Transformer } from '../model/transformer';
import { FIXTURE_FACTS } from './fixtures';
import { locateMlps } from './locate';

const modelDir = (name: string): string => fileURLToPath(new URL(`../../../../models/${name}`, import.meta.url));

async function load(name: string): Promise<EditModel> {
  const ck = await loadCheckpoint(modelDir(name));
  const transformer = Transformer.fromWeights(ck.config, ck.weights);
  for (const w of ck.weights.values()) w.dispose();
  return { transformer, tokenizer: ck.tokenizer! };
}

let gpt2: EditModel;
let llama: EditModel;
beforeAll(async () => {
  await initBackend();
  gpt2 = await load('tiny-gpt2');
  llama = await load('tiny-llama');
});
afterAll(() => {
  gpt2?.transformer.dispose();
  llama?.transformer.dispose();
});

describe('locateMlps on the committed tiny models', () => {
  it('tiny-gpt2, P17 (country): deterministic, no tensors left, 16 facts, the corruption flips the answer', () => {
    const n0 = tf.memory().numTensors;
    const a = locateMlps(gpt2, FIXTURE_FACTS.P17, FIXTURE_FACTS.P17, { seed: 1 });
    expect(tf.memory().numTensors).toBe(n0);
    const b = locateMlps(gpt2, FIXTURE_FACTS.P17, FIXTURE_FACTS.P17, { seed: 1 });
    expect(b).toEqual(a);
    expect(a.nFacts).toBe(16);
    expect([...a.mlpRanking].sort()).toEqual([0, 1, 2, 3]);
    expect(a.mlpDegree).toHaveLength(4);
    expect(a.circuit.edges).toBeGreaterThan(0);
    expect(a.circuit.edges).toBeLessThanOrEqual(32); // default topN: ⌈0.15 · 207⌉
    expect(a.topEdges).toHaveLength(a.circuit.edges);
    expect(a.loss.clean).toBeLessThan(0.5); // the model knows the facts …
    expect(a.loss.corrupted).toBeGreaterThan(5); // … and the swapped subject changes the answer
  });

  it('tiny-gpt2, P17: the same two MLPs lead across disjoint halves of the facts and across seeds', () => {
    // Disjoint fact sets (10 + 10, partners from all 20), three seeds (other fact subsets and partners),
    // greedy selection and the logit-diff metric. On the set v1 checkpoint m0 led every run by ≥ 1.5×; on the
    // committed set v2 checkpoint the lead is shared by m0 and m3 (degrees m0/m1/m2/m3: 11/5/5/7, 9/5/4/10,
    // 8/4/5/8, 8/4/5/7, 9/5/6/8, 8/5/6/6 — the second half of the facts puts m3 first), so what is stable is the
    // pair (docs/forget.md, "How stable are the located layers?").
    const all = FIXTURE_FACTS.P17;
    const runs = [
      locateMlps(gpt2, all.slice(0, 10), all, { seed: 1 }),
      locateMlps(gpt2, all.slice(10), all, { seed: 1 }),
      ...[2, 3].map((seed) => locateMlps(gpt2, all, all, { seed })),
      locateMlps(gpt2, all, all, { seed: 1, selection: 'greedy' }),
      locateMlps(gpt2, all, all, { seed: 1, metric: 'logit-diff' }),
    ];
    for (const r of runs) expect([...r.mlpRanking.slice(0, 2)].sort()).toEqual([0, 3]);
    for (const r of runs) expect(r.mlpDegree[0]!).toBeGreaterThan(Math.max(r.mlpDegree[1]!, r.mlpDegree[2]!));
  });

  it('tiny-llama, P36 (capital): deterministic and the same top-1 over seeds; weighted degree agrees on top-1', () => {
    const facts = FIXTURE_FACTS.P36;
    const a = locateMlps(llama, facts, facts, { seed: 1 });
    expect(locateMlps(llama, facts, facts, { seed: 1 })).toEqual(a);
    expect(a.nFacts).toBeGreaterThan(0);
    expect(a.nFacts).toBeLessThanOrEqual(facts.length);
    const others = [2, 3].map((seed) => locateMlps(llama, facts, facts, { seed }));
    // Set v1's checkpoint kept the same top-2 over seeds; the set v2 checkpoint keeps the top-1 (m0; degrees
    // 9/5/7/4, 9/5/8/5, 12/4/4/5 for seeds 1–3) while the second place moves between m2 and m3.
    for (const r of others) expect(r.mlpRanking[0]).toBe(a.mlpRanking[0]);
    expect(a.mlpRanking[0]).toBe(0);
    const w = locateMlps(llama, facts, facts, { seed: 1, degree: 'weighted' });
    expect(w.mlpRanking[0]).toBe(a.mlpRanking[0]);
  });

  it('validates options', () => {
    const facts = FIXTURE_FACTS.P36;
    expect(() => locateMlps(gpt2, facts, facts, { seed: 1, steps: 0 })).toThrow(ModelConfigError);
    expect(() => locateMlps(gpt2, facts, facts, { seed: 1, topN: 1.5 })).toThrow(ModelConfigError);
    expect(() => locateMlps(gpt2, facts, facts, { seed: 1, metric: 'kl' as never })).toThrow(ModelConfigError);
    const [a] = FIXTURE_FACTS.P17;
    expect(() => locateMlps(gpt2, [a!], [a!], { seed: 1 })).toThrow(ModelConfigError); // no corruption partner
  });
});
