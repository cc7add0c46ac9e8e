// trainLoop: paired streams, stop rules, divergence, a paused and resumed run, the global-norm clip.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { testTokenizer, tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { encodePairs, type TokenExample } from './batch';
import { clipGlobalNorm } from './clip';
import { TrainingDivergedError, trainLoop, type Divergence } from './loop';
import { ascent, gradDiff, nll, sum, type Objective } from './objective';
import { makeOptimizer } from './optimizer';
import { exampleStream, pairedStreams, type BatchStream } from './streams';

beforeAll(async () => {
  await initBackend();
});

const tok = testTokenizer();
const cfg = tinyConfig('gpt2', { vocabSize: tok.vocabSize, nLayers: 1, dModel: 16, dMlp: 32, nHeads: 2 });
const pairs = (xs: string[]): TokenExample[] => encodePairs(tok, xs.map((x) => ({ prompt: `${x} is`, target: ` ${x}.` })));
const forgetEx = pairs(['ab', 'cd', 'ef']);
const retainEx = pairs(['gh', 'ij', 'kl', 'mn', 'op']);
const weightsOf = (m: Transformer) => [...m.params.values()].map((v) => Array.from(v.dataSync()));

/** The first token after BOS of every row of `steps` batches drawn from a stream (identifies the example). */
function draw(s: BatchStream, steps: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) out.push((s.next().ids.arraySync() as number[][]).map((r) => r[0]!));
  s.dispose();
  return out;
}

describe('paired streams', () => {
  it('cycle each set on its own seeded epochs: deterministic, every epoch covers its set, one set does not move another', () => {
    const a = pairedStreams({ forget: forgetEx, retain: retainEx }, { seed: 7, batchSize: 2 });
    const b = pairedStreams({ forget: forgetEx, retain: retainEx }, { seed: 7, batchSize: 2 });
    const f = draw(a.forget!, 6);
    const r = draw(a.retain!, 6);
    expect(draw(b.forget!, 6)).toEqual(f);
    expect(draw(b.retain!, 6)).toEqual(r);
    // forget: 3 examples at batch 2 → batches of 2, 1 per epoch; retain: 5 → 2, 2, 1.
    expect(f.map((x) => x.length)).toEqual([2, 1, 2, 1, 2, 1]);
    expect(r.map((x) => x.length)).toEqual([2, 2, 1, 2, 2, 1]);
    const first = forgetEx.map((e) => e.ids[0]!).sort();
    expect(f.slice(0, 2).flat().sort()).toEqual(first);
    expect(f.slice(2, 4).flat().sort()).toEqual(first);
    expect(r.slice(0, 3).flat().sort()).toEqual(retainEx.map((e) => e.ids[0]!).sort());
    const c = pairedStreams({ forget: forgetEx, retain: retainEx.slice(0, 4) }, { seed: 7, batchSize: 2 });
    expect(draw(c.forget!, 6)).toEqual(f);
    c.retain!.dispose();
    expect(() => pairedStreams({ forget: [{ ids: [1, 999] }] }, { seed: 1, vocabSize: tok.vocabSize })).toThrow(/token id 999 is outside/);
    expect(() => exampleStream([], { seed: 1 })).toThrow(/no examples/);
    const d = pairedStreams({ forget: forgetEx }, { seed: 8, batchSize: 3 });
    expect(draw(d.forget!, 4)).not.toEqual(draw(pairedStreams({ forget: forgetEx }, { seed: 7, batchSize: 3 }).forget!, 4));
  });

  it('a paired objective (NLL(retain) − α·NLL(forget)) lowers the retain NLL, raises the forget NLL, logs both, leaks nothing', () => {
    const m = Transformer.init(cfg, 1);
    const n0 = tf.memory().numTensors;
    const r = trainLoop(m, pairedStreams({ forget: forgetEx, retain: retainEx }, { seed: 1 }), gradDiff({ ascend: 'forget', descend: 'retain', alpha: 0.5 }), { lr: 1e-2, steps: 30 });
    expect(tf.memory().numTensors).toBe(n0);
    expect(r.parts.retain!.at(-1)!).toBeLessThan(r.parts.retain![0]! - 0.5);
    expect(r.parts.forget!.at(-1)!).toBeGreaterThan(r.parts.forget![0]!);
    r.losses.forEach((l, i) => expect(l).toBeCloseTo(r.parts.retain![i]! - 0.5 * r.parts.forget![i]!, 5));
    m.dispose();
  });

  it('sum() weights and names its terms', () => {
    const m = Transformer.init(cfg, 2);
    const o: Objective = sum({ forget: { objective: ascent('forget'), weight: 0.25 }, retain: { objective: nll('retain') } });
    expect(o.streams).toEqual(['forget', 'retain']);
    const r = trainLoop(m, pairedStreams({ forget: forgetEx, retain: retainEx }, { seed: 1 }), o, { lr: 1e-3, steps: 2 });
    expect(Object.keys(r.parts).sort()).toEqual(['forget', 'forget.nll', 'retain', 'retain.nll']);
    r.losses.forEach((l, i) => expect(l).toBeCloseTo(-0.25 * r.parts['forget.nll']![i]! + r.parts['retain.nll']![i]!, 5));
    m.dispose();
  });
});

describe('trainLoop', () => {
  it('stops on a logged part below or above a threshold, or when onStep says so', () => {
    const m = Transformer.init(cfg, 3);
    const run = (o: Objective, stop: { part: string; below?: number; above?: number }) =>
      trainLoop(m, { train: exampleStream(forgetEx, { seed: 1 }) }, o, { lr: 2e-2, steps: 200, stop });
    const down = run(nll(), { part: 'nll', below: 1 });
    expect(down.stoppedBy).toBe('loss');
    expect(down.parts.nll!.at(-1)!).toBeLessThan(1);
    expect(down.parts.nll!.slice(0, -1).every((x) => x >= 1)).toBe(true);
    const up = run(ascent(), { part: 'nll', above: 3 });
    expect(up.stoppedBy).toBe('loss');
    expect(up.parts.nll!.at(-1)!).toBeGreaterThan(3);
    const cb = trainLoop(m, { train: exampleStream(forgetEx, { seed: 1 }) }, nll(), { lr: 1e-3, steps: 50, onStep: (l) => (l.step === 2 ? 'stop' : undefined) });
    expect(cb).toMatchObject({ stoppedBy: 'callback' });
    expect(cb.losses).toHaveLength(3);
    expect(() => run(nll(), { part: 'kl', below: 1 })).toThrow(/does not log/);
    m.dispose();
  });

  it('a non-finite loss throws before its update; a non-finite weight after the run; onDiverged picks the error', () => {
    const m = Transformer.init(cfg, 4);
    const before = weightsOf(m);
    const inf: Objective = { streams: ['train'], compute: (i) => ({ loss: tf.div(nll().compute(i).loss, 0) as tf.Scalar }) };
    const n0 = tf.memory().numTensors;
    let err: unknown;
    try {
      trainLoop(m, { train: exampleStream(forgetEx, { seed: 1 }) }, inf, { lr: 1e-2, steps: 3 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as TrainingDivergedError).step).toBe(0);
    expect(tf.memory().numTensors).toBe(n0);
    expect(weightsOf(m)).toEqual(before);
    const seen: Divergence[] = [];
    const nanAt = (name: string) => (n: string, v: tf.Tensor) => (n === name ? tf.mul(v, NaN) : tf.clone(v));
    expect(() =>
      trainLoop(m, { train: exampleStream(forgetEx, { seed: 1 }) }, nll(), {
        lr: 1e-2, steps: 1, params: ['blocks.0.mlp.W_out', 'blocks.0.mlp.b_out'], project: nanAt('blocks.0.mlp.b_out'),
        onDiverged: (d) => (seen.push(d), new Error('custom')),
      }),
    ).toThrow('custom');
    expect(seen).toEqual([{ step: 1, weight: 'blocks.0.mlp.b_out', value: NaN }]);
    // A second step would already see the NaN weight in its loss.
    expect(() => trainLoop(m, { train: exampleStream(forgetEx, { seed: 1 }) }, nll(), { lr: 1e-2, steps: 1 })).toThrow(/step 0: loss NaN/);
    expect(tf.memory().numTensors).toBe(n0);
    m.dispose();
  });

  it('a run paused at endStep and resumed at startStep (same optimizer, same stream) equals an uninterrupted one', () => {
    const schedule = { warmupSteps: 2, minLrRatio: 0.1 };
    const whole = Transformer.init(cfg, 5);
    const a = trainLoop(whole, { train: exampleStream(retainEx, { seed: 3, batchSize: 2 }) }, nll(), { lr: 1e-2, steps: 7, schedule, clipNorm: 0.5 });
    const split = Transformer.init(cfg, 5);
    const opt = makeOptimizer('adam', 1e-2);
    const stream = exampleStream(retainEx, { seed: 3, batchSize: 2 });
    const keepOpen: BatchStream = { next: () => stream.next(), dispose: () => undefined };
    const lrs: number[] = [];
    const o = { lr: 1e-2, steps: 7, schedule, clipNorm: 0.5, optimizer: opt, onStep: (l: { lr: number }) => void lrs.push(l.lr) };
    const b1 = trainLoop(split, { train: keepOpen }, nll(), { ...o, endStep: 3 });
    const b2 = trainLoop(split, { train: stream }, nll(), { ...o, startStep: 3 });
    expect([...b1.losses, ...b2.losses]).toEqual(a.losses);
    expect(weightsOf(split)).toEqual(weightsOf(whole));
    expect(lrs[0]).toBeCloseTo(5e-3, 12);
    expect(lrs[6]).toBeCloseTo(1e-3 + 0.5 * 9e-3 * (1 + Math.cos((Math.PI * 4) / 5)), 12);
    opt.dispose();
    whole.dispose();
    split.dispose();
  });
});

it('clipGlobalNorm scales all gradients by c/‖g‖ only above c, and keeps a missing gradient missing', () => {
  const g = [tf.tensor1d([3]), undefined, tf.tensor1d([4])];
  const same = clipGlobalNorm(g, 10);
  expect(same).toBe(g);
  const c = clipGlobalNorm(g, 1);
  expect(c[1]).toBeUndefined();
  expect(Array.from(c[0]!.dataSync())[0]).toBeCloseTo(0.6, 6);
  expect(Array.from(c[2]!.dataSync())[0]).toBeCloseTo(0.8, 6);
  expect(g[0]!.isDisposed).toBe(true);
  tf.dispose([c[0]!, c[2]!]);
});
