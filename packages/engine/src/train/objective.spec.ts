// The reference-model piece and the objectives that use it, against hand computation: sequence
// log-probabilities from the logits by an explicit log-softmax in JS, NPO/DPO/KL from their formulas.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { testTokenizer, tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { disposeBatch, encodePairs, makeBatch, type Batch } from './batch';
import { trainLoop } from './loop';
import { logSoftmaxOf, sequenceLogProbs } from './loss';
import { dpo, klToReference, npo } from './objective';
import { frozenCopy, referenceOutputs } from './reference';
import { fixedStream } from './streams';

beforeAll(async () => {
  await initBackend();
});

const tok = testTokenizer();
const cfg = tinyConfig('llama', { vocabSize: tok.vocabSize, nLayers: 1, dModel: 16, dMlp: 32, nHeads: 2 });
const forgetEx = encodePairs(tok, [{ prompt: 'the sky is', target: ' blue.' }, { prompt: 'coal is', target: ' black.' }]);
const idkEx = encodePairs(tok, [{ prompt: 'the sky is', target: ' unknown.' }, { prompt: 'coal is', target: ' unclear.' }]);

/** Σ over target positions of log softmax(logits)[target], per row, in float64 JS. */
function handSeqLogProbs(model: Transformer, b: Batch): number[] {
  const logits = tf.tidy(() => model.forward(b.ids).arraySync()) as number[][][];
  const targets = b.targets.arraySync();
  const mask = b.mask.arraySync();
  const T = b.ids.shape[1];
  return logits.map((row, i) =>
    row.reduce((acc, z, t) => {
      if (!mask[i * T + t]) return acc;
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, x) => s + Math.exp(x - m), 0));
      return acc + z[targets[i * T + t]!]! - lse;
    }, 0),
  );
}
const logSigmoid = (x: number): number => -Math.log1p(Math.exp(-x));

describe('reference outputs', () => {
  it('sequence log-probabilities equal the hand-computed Σ log softmax(logits)[target] over target tokens', () => {
    const m = Transformer.init(cfg, 1);
    const b = makeBatch(forgetEx, 0);
    const r = referenceOutputs(m, b);
    const want = handSeqLogProbs(m, b);
    const got = Array.from(r.sequenceLogProbs.dataSync());
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 4));
    expect(r.tokenLogProbs.shape).toEqual(b.ids.shape);
    expect(r.logProbs.shape).toEqual([...b.ids.shape, tok.vocabSize]);
    const policy = tf.tidy(() => Array.from(sequenceLogProbs(logSoftmaxOf(m, b), b).dataSync()));
    expect(policy).toEqual(got);
    tf.dispose([r.logProbs, r.tokenLogProbs, r.sequenceLogProbs]);
    disposeBatch(b);
    m.dispose();
  });
});

describe('objectives with a frozen reference', () => {
  it('NPO: (2/β)·ln 2 at the first step (π_θ = π_ref); later steps match the formula on a hand-computed frozen initial model', () => {
    const beta = 0.5;
    const m = Transformer.init(cfg, 2);
    const initial = frozenCopy(m);
    const b = makeBatch(forgetEx, 0);
    const expected: number[] = [];
    const n0 = tf.memory().numTensors;
    const r = trainLoop(m, { forget: fixedStream(forgetEx) }, npo({ stream: 'forget', beta }), {
      lr: 0.05, steps: 4, optimizer: 'sgd', snapshotReference: frozenCopy,
      onStep: () => {
        // The next step's loss from the current weights and the initial ones, by hand.
        const lp = handSeqLogProbs(m, b);
        const lr = handSeqLogProbs(initial, b);
        expected.push((-2 / beta) * lp.reduce((s, x, i) => s + logSigmoid(-beta * (x - lr[i]!)), 0) / lp.length);
      },
    });
    expect(tf.memory().numTensors).toBe(n0); // the reference copy and its cached outputs are freed
    expect(r.losses[0]).toBeCloseTo((2 / beta) * Math.LN2, 5);
    for (let k = 1; k < 4; k++) expect(r.losses[k]).toBeCloseTo(expected[k - 1]!, 4);
    // Ascent-like: NPO pushes log π_θ(forget) down, so the loss falls below its start.
    expect(r.losses[3]!).toBeLessThan(r.losses[0]!);
    disposeBatch(b);
    initial.dispose();
    m.dispose();
  });

  it('DPO: (2/β)·ln 2 at the first step; then −(2/β)·mean log σ(β·(Δ_chosen − Δ_rejected)) against a given reference', () => {
    const beta = 0.1;
    const m = Transformer.init(cfg, 3);
    const ref = frozenCopy(m);
    const bc = makeBatch(idkEx, 0);
    const br = makeBatch(forgetEx, 0);
    const expected: number[] = [];
    const r = trainLoop(m, { chosen: fixedStream(idkEx), rejected: fixedStream(forgetEx) }, dpo({ chosen: 'chosen', rejected: 'rejected', beta }), {
      lr: 0.02, steps: 3, optimizer: 'adam', reference: ref,
      onStep: () => {
        const [pc, pr, rc, rr] = [handSeqLogProbs(m, bc), handSeqLogProbs(m, br), handSeqLogProbs(ref, bc), handSeqLogProbs(ref, br)];
        expected.push((-2 / beta) * pc.reduce((s, _, i) => s + logSigmoid(beta * (pc[i]! - rc[i]! - (pr[i]! - rr[i]!))), 0) / pc.length);
      },
    });
    expect(r.losses[0]).toBeCloseTo((2 / beta) * Math.LN2, 4);
    for (let k = 1; k < 3; k++) expect(r.losses[k]).toBeCloseTo(expected[k - 1]!, 3);
    expect(r.losses[2]!).toBeLessThan(r.losses[0]!);
    tf.dispose([bc, br].flatMap((b) => [b.ids, b.targets, b.mask]));
    ref.dispose();
    m.dispose();
  });

  it('KL to the reference is 0 at the first step and positive once the model moved', () => {
    const m = Transformer.init(cfg, 4);
    const ref = Transformer.init(cfg, 5); // another initialisation: a reference the model starts away from
    const same = trainLoop(m, { retain: fixedStream(forgetEx) }, klToReference('retain'), { lr: 1e-3, steps: 1, snapshotReference: frozenCopy });
    expect(Math.abs(same.losses[0]!)).toBeLessThan(1e-6);
    const moved = trainLoop(m, { retain: fixedStream(forgetEx) }, klToReference('retain'), { lr: 0.05, steps: 5, reference: ref, optimizer: 'sgd' });
    expect(moved.losses[0]!).toBeGreaterThan(1e-3); // two different initialisations
    expect(moved.losses[4]!).toBeLessThan(moved.losses[0]!); // descent on KL pulls π_θ toward π_ref
    ref.dispose();
    m.dispose();
  });

  it('an objective that needs a reference without one is a clear error', () => {
    const m = Transformer.init(cfg, 6);
    expect(() => trainLoop(m, { forget: fixedStream(forgetEx) }, npo({ stream: 'forget' }), { lr: 1e-3, steps: 1 })).toThrow(/needs a reference model/);
    m.dispose();
  });
});
