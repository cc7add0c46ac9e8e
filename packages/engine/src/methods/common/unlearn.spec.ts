// The unlearning baselines (ga, gd, kl, idk, dpo, npo) on the committed tiny-gpt2 and world QA items
// (testing/qa-records.ts): what each objective does to the model, and the NPO/DPO losses the methods
// report against their formulas computed by hand from the logits.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/index';
import { generate } from '../../generate/generate';
import { frozenCopy } from '../../train/reference';
import type { Transformer } from '../../model/transformer';
import type { EditModel, ForgetRequest, MethodDef } from '../editor';
import { dpo } from '../dpo/dpo';
import { ga } from '../ga/ga';
import { gd } from '../gd/gd';
import { idk } from '../idk/idk';
import { kl } from '../kl/kl';
import { npo } from '../npo/npo';
import { defaultParams } from './params';
import { forgetRequests, REFUSALS, retainRequests } from '../testing/qa-records';
import { loadDefaultModel, sameBytes, weightBytes } from '../testing/harness';
import { answerExamples, LR_SCALE, refusalPool, scaledLr } from './unlearn';

let gpt2: EditModel;
beforeAll(async () => {
  await initBackend();
  gpt2 = await loadDefaultModel('tiny-gpt2');
});
afterAll(() => gpt2?.transformer.dispose());

const FORGET = forgetRequests(4);
const RETAIN = retainRequests(4);

/** Mean over items of the mean token NLL of answer + EOS after the question (what the methods train on). */
function answerNll(model: Transformer, items: readonly { question: string; answer: string }[]): number {
  return items.reduce((s, it) => s + seqLogProb(model, it.question, it.answer).nll, 0) / items.length;
}

/** Σ log softmax(logits)[target] over the answer + EOS tokens, in float64 JS, and its per-token mean NLL. */
function seqLogProb(model: Transformer, prompt: string, target: string): { sum: number; nll: number; tokens: number } {
  const [e] = answerExamples(gpt2.tokenizer, [{ prompt, target }]);
  const ids = e!.ids;
  const logits = tf.tidy(() => model.forward(tf.tensor2d([ids.slice(0, -1)], [1, ids.length - 1], 'int32')).arraySync()) as number[][][];
  let sum = 0;
  for (let t = e!.lossFrom! - 1; t < ids.length - 1; t++) {
    const z = logits[0]![t]!;
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
    sum += z[ids[t + 1]!]! - lse;
  }
  const tokens = ids.length - e!.lossFrom!;
  return { sum, nll: -sum / tokens, tokens };
}

/** Apply, measure with `f` on the unlearned model, undo; the weights must come back exactly. */
function withApplied<T>(m: MethodDef, requests: readonly ForgetRequest[], params: Record<string, unknown>, f: (losses: Readonly<Record<string, readonly number[]>>) => T): T {
  const before = weightBytes(gpt2);
  const res = m.apply(gpt2, requests, { ...defaultParams(m), ...params }, { seed: 3, retain: RETAIN });
  try {
    return f(res.stats.losses!);
  } finally {
    res.undo();
    expect(sameBytes(before, weightBytes(gpt2))).toEqual([]);
  }
}

const logSigmoid = (x: number): number => -Math.log1p(Math.exp(-x));

describe('the learning-rate rule', () => {
  it('maps the paper\'s rates by the pretraining peak-lr ratio 2e-3 / 3e-4', () => {
    expect(LR_SCALE).toBeCloseTo(20 / 3, 12);
    expect(defaultParams(ga).lr).toBe(1.33e-4); // 2e-5 (GA/GD/KL)
    expect(defaultParams(idk).lr).toBe(1e-4); // 1.5e-5 (the paper's "DPO" row)
    expect(defaultParams(npo).lr).toBe(scaledLr(1e-5));
  });
});

describe('unlearning baselines on tiny-gpt2', () => {
  const steps = { steps: 20 };
  const long = { steps: 60 };

  it('GA raises the NLL of the forget answers; GD keeps the retain NLL within a bound that GA exceeds', () => {
    const f0 = answerNll(gpt2.transformer, FORGET);
    const r0 = answerNll(gpt2.transformer, RETAIN as ForgetRequest[]);
    const afterGa = withApplied(ga, FORGET, long, () => [answerNll(gpt2.transformer, FORGET), answerNll(gpt2.transformer, RETAIN as ForgetRequest[])]);
    const afterGd = withApplied(gd, FORGET, long, () => [answerNll(gpt2.transformer, FORGET), answerNll(gpt2.transformer, RETAIN as ForgetRequest[])]);
    // Measured (seed 3, 60 steps): forget NLL 0.0074 → GA 18.7, GD 18.4; retain NLL 0.0043 → GA 0.63, GD 0.0043.
    expect(f0).toBeLessThan(0.5); // the model knows the answers
    expect(afterGa[0]!).toBeGreaterThan(f0 + 3);
    expect(afterGd[0]!).toBeGreaterThan(f0 + 3);
    const bound = r0 + 0.1;
    expect(afterGd[1]!).toBeLessThan(bound);
    expect(afterGa[1]!).toBeGreaterThan(bound);
  }, 600_000); // 120 training steps: about 50 s on the 2-core box, minutes when it is loaded

  it('KL forgets and stays near the model before unlearning on the retain set', () => {
    const r0 = answerNll(gpt2.transformer, RETAIN as ForgetRequest[]);
    const f0 = answerNll(gpt2.transformer, FORGET);
    const [f, r] = withApplied(kl, FORGET, steps, (losses) => {
      expect(losses['retain']![0]!).toBeCloseTo(0, 5); // KL to itself before the first update
      return [answerNll(gpt2.transformer, FORGET), answerNll(gpt2.transformer, RETAIN as ForgetRequest[])];
    });
    // Measured (seed 3, 20 steps): forget NLL 0.0074 → 9.0; retain NLL 0.0043 → 0.0088.
    expect(f!).toBeGreaterThan(f0 + 3);
    expect(r!).toBeLessThan(r0 + 0.1);
  });

  it('IDK makes a refusal the greedy answer to a forgotten question', () => {
    const answers = () => generate(gpt2.transformer, gpt2.tokenizer, FORGET.map((r) => r.question), { maxNewTokens: 12, stop: ['\n'] });
    const before = answers();
    const refused = (a: string) => REFUSALS.some((r) => a.trim().startsWith(r.trim()));
    expect(before.filter(refused)).toEqual([]);
    const after = withApplied(idk, FORGET, {}, answers);
    expect(after.filter(refused).length).toBe(FORGET.length);
  });

  it('NPO: the forget term is (2/β)·ln 2 at the first step and the formula by hand at the second; retain term = NLL', () => {
    const beta = 0.5;
    const full = { batchSize: 16, warmup: 0, beta };
    const first = withApplied(npo, FORGET, { ...full, steps: 2 }, (l) => l);
    expect(first['forget']![0]!).toBeCloseTo((2 / beta) * Math.LN2, 5);
    expect(first['retain']![0]!).toBeCloseTo(tokenMean(gpt2.transformer, RETAIN as ForgetRequest[]), 4);
    // The second step's loss from the weights after one step and the frozen model before it.
    const ref = frozenCopy(gpt2.transformer);
    try {
      const want = withApplied(npo, FORGET, { ...full, steps: 1 }, () => {
        const terms = FORGET.map((r) => seqLogProb(gpt2.transformer, r.question, r.answer).sum - seqLogProb(ref, r.question, r.answer).sum);
        return (-2 / beta) * terms.reduce((s, d) => s + logSigmoid(-beta * d), 0) / terms.length;
      });
      expect(first['forget']![1]!).toBeCloseTo(want, 4);
      expect(first['forget']![1]!).not.toBeCloseTo(first['forget']![0]!, 3);
    } finally {
      ref.dispose();
    }
  });

  it('DPO: (2/β)·ln 2 at the first step, then −(2/β)·mean log σ(β·(Δ_refusal − Δ_answer)) by hand', () => {
    const beta = 0.1;
    const refusal = " I don't know.";
    const requests = FORGET.map((r) => ({ ...r, refusals: [refusal] }));
    const full = { batchSize: 16, warmup: 0, beta, alpha: 0 };
    const first = withApplied(dpo, requests, { ...full, steps: 2 }, (l) => l);
    expect(first['forget']![0]!).toBeCloseTo((2 / beta) * Math.LN2, 4);
    expect(first['retain']).toBeUndefined(); // α = 0: no retain term
    const ref = frozenCopy(gpt2.transformer);
    try {
      const want = withApplied(dpo, requests, { ...full, steps: 1 }, () => {
        const delta = (r: ForgetRequest, target: string) => seqLogProb(gpt2.transformer, r.question, target).sum - seqLogProb(ref, r.question, target).sum;
        const terms = requests.map((r) => delta(r, refusal) - delta(r, r.answer));
        return (-2 / beta) * terms.reduce((s, d) => s + logSigmoid(beta * d), 0) / terms.length;
      });
      expect(first['forget']![1]!).toBeCloseTo(want, 3);
      expect(first['forget']![1]!).toBeLessThan(first['forget']![0]!);
    } finally {
      ref.dispose();
    }
  });
});

/** The token mean of the NLL over every item's answer + EOS tokens (a full batch's masked NLL). */
function tokenMean(model: Transformer, items: readonly { question: string; answer: string }[]): number {
  const all = items.map((it) => seqLogProb(model, it.question, it.answer));
  return -all.reduce((s, x) => s + x.sum, 0) / all.reduce((s, x) => s + x.tokens, 0);
}

describe('requests and the retain set', () => {
  it('a forget-only method refuses a fact rewrite; a retain term without a retain set is a clear error', () => {
    expect(ga.accepts).toEqual(['forget']);
    const rewrite = { prompt: 'The capital of Vibou Isles is', subject: 'Vibou Isles', targetNew: ' Paris', targetTrue: ' New Noukrur' };
    expect(() => ga.apply(gpt2, [rewrite], {}, { seed: 0 })).toThrow(/^ga: request 0 is a rewrite request; this method takes forget requests/);
    expect(() => gd.apply(gpt2, FORGET, { steps: 1 }, { seed: 0 })).toThrow(/gd trains on a retain set: name one on the dataset item \(retain: \{ split: retain \}\)/);
    const alone = gd.apply(gpt2, FORGET, { steps: 1, alpha: 0 }, { seed: 0 }); // α = 0 needs none
    alone.undo();
  });

  it('the refusal pool: the requests\' pool, else their refusals, else the default', () => {
    expect(refusalPool(FORGET)).toEqual([...REFUSALS]);
    expect(refusalPool(FORGET.map(({ refusals: _x, ...r }) => r))).toEqual(REFUSALS.slice(0, 4));
    expect(refusalPool([{ kind: 'forget', question: 'Q', answer: ' A' }])).toEqual([" I don't know."]);
  });
});
