import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { testTokenizer, tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { encodePairs, encodeTexts, makeBatch, disposeBatch } from './batch';
import { clampToInitial, train } from './loop';
import { nextTokenNll } from './loss';

beforeAll(async () => {
  await initBackend();
});

const tok = testTokenizer();
const pairs = [
  { prompt: 'the sky is', target: ' blue.' },
  { prompt: 'the grass is', target: ' green.' },
  { prompt: 'snow is', target: ' white.' },
  { prompt: 'coal is', target: ' black.' },
];
const cfg = tinyConfig('gpt2', { vocabSize: tok.vocabSize });
const snapshot = (m: Transformer) => new Map([...m.params].map(([n, v]) => [n, Array.from(v.dataSync())]));

describe('train', () => {
  it('memorises a small set of pairs: loss under 0.05 and every target token is the argmax', () => {
    const m = Transformer.init(cfg, 1);
    const ex = encodePairs(tok, pairs);
    const { losses } = train(m, ex, { lr: 1e-2, steps: 150, seed: 1, stopAtLoss: 0.02 });
    expect(losses[0]).toBeGreaterThan(2);
    expect(losses.at(-1)).toBeLessThan(0.05);
    const b = makeBatch(ex, 0);
    const argmax = tf.tidy(() => m.forward(b.ids).argMax(-1).reshape([-1]).arraySync() as number[]);
    const t = b.targets.arraySync();
    b.mask.arraySync().forEach((mk, i) => { if (mk) expect(argmax[i]).toBe(t[i]); });
    disposeBatch(b);
    m.dispose();
  });

  it('trains only the chosen parameters, leaks no tensors, and is deterministic for a seed', () => {
    const run = (seed: number) => {
      const m = Transformer.init(cfg, 2);
      const before = snapshot(m);
      const n0 = tf.memory().numTensors;
      const r = train(m, encodeTexts(tok, ['a cat sat.', 'a dog ran.', 'the end.']), {
        lr: 1e-2, steps: 4, batchSize: 2, seed, params: ['blocks.1.mlp.W_out'],
      });
      expect(tf.memory().numTensors).toBe(n0);
      const after = snapshot(m);
      for (const [name, v] of before) {
        if (name === 'blocks.1.mlp.W_out') expect(after.get(name)).not.toEqual(v);
        else expect(after.get(name), name).toEqual(v);
      }
      m.dispose();
      return r.losses;
    };
    const a = run(5);
    expect(run(5)).toEqual(a);
    expect(run(6)).not.toEqual(a);
  });

  it('projection keeps W within W0 ± eps', () => {
    const m = Transformer.init(cfg, 3);
    const w0 = m.param('blocks.0.mlp.W_out').dataSync().slice();
    const eps = 1e-3;
    train(m, encodePairs(tok, pairs), { lr: 5e-2, steps: 5, seed: 1, params: ['blocks.0.mlp.W_out'], project: clampToInitial(eps) });
    const w = m.param('blocks.0.mlp.W_out').dataSync();
    let maxDev = 0;
    for (let i = 0; i < w.length; i++) maxDev = Math.max(maxDev, Math.abs(w[i]! - w0[i]!));
    expect(maxDev).toBeGreaterThan(eps / 2);
    expect(maxDev).toBeLessThanOrEqual(eps + 1e-7);
    m.dispose();
  });

  it('gradient ascent raises the loss; SGD descent lowers it; clipping and patience work', () => {
    const ex = encodePairs(tok, pairs);
    const b = makeBatch(ex, 0);
    const lossOf = (m: Transformer) => tf.tidy(() => nextTokenNll(m, b).dataSync()[0]!);
    const m = Transformer.init(cfg, 4);
    const l0 = lossOf(m);
    train(m, ex, { lr: 1e-2, steps: 5, seed: 1, ascent: true });
    expect(lossOf(m)).toBeGreaterThan(l0 + 0.1);
    m.dispose();
    const s = Transformer.init(cfg, 4);
    const r = train(s, ex, { lr: 0.5, steps: 10, seed: 1, optimizer: 'sgd', clipNorm: 1 });
    expect(lossOf(s)).toBeLessThan(l0 - 0.1);
    expect(r.losses).toHaveLength(10);
    const p = train(s, ex, { lr: 1e-9, steps: 50, seed: 1, optimizer: 'sgd', patience: 3, minDelta: 1e-3 });
    expect(p.stoppedBy).toBe('patience');
    expect(p.losses.length).toBeLessThan(10);
    s.dispose();
    disposeBatch(b);
  });
});
