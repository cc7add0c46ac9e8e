import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { paramShapes, type ModelConfig } from './config';
import { ShapeMismatchError } from './errors';
import { tinyConfig } from './testing';
import { Transformer } from './transformer';

beforeAll(async () => {
  await initBackend();
});

const variants: Array<[string, ModelConfig]> = [
  ['gpt2', tinyConfig('gpt2')],
  ['llama', tinyConfig('llama')],
  ['llama GQA + qkv bias (Qwen2)', tinyConfig('llama', { nKvHeads: 2, qkvBias: true })],
  ['llama untied', tinyConfig('llama', { tieEmbeddings: false })],
  ['llama GQA + sliding window (Mistral)', tinyConfig('llama', { nKvHeads: 2, slidingWindow: 4 })],
];

const ids2d = (rows: number[][]): tf.Tensor2D => tf.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');

describe.each(variants)('Transformer %s', (_label, config) => {
  it('has exactly the canonical parameters and a deterministic init; dispose frees every tensor', () => {
    const n0 = tf.memory().numTensors;
    Transformer.init(config, 7).dispose();
    expect(tf.memory().numTensors).toBe(n0);
    const a = Transformer.init(config, 7);
    const b = Transformer.init(config, 7);
    const c = Transformer.init(config, 8);
    expect([...a.params].map(([n, v]) => [n, v.shape])).toEqual(paramShapes(config));
    const w = `blocks.1.attn.W_Q`;
    expect(Array.from(a.param(w).dataSync())).toEqual(Array.from(b.param(w).dataSync()));
    expect(Array.from(a.param(w).dataSync())).not.toEqual(Array.from(c.param(w).dataSync()));
    // GPT-2 init: std 0.02 (W_O scaled by 1/√(2L) = 0.5 here).
    const std = (t: tf.Tensor) => tf.tidy(() => tf.moments(t).variance.sqrt().dataSync()[0]!);
    expect(std(a.param(w))).toBeCloseTo(0.02, 2);
    expect(std(a.param('blocks.0.attn.W_O'))).toBeCloseTo(0.01, 2);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('gives logits [B, T, V]; left-padded batch equals unpadded single sequences', () => {
    const m = Transformer.init(config, 1);
    const s1 = [5, 9, 3, 7, 2, 11];
    const s2 = [4, 8, 6];
    const before = tf.memory().numTensors;
    const single = [s1, s2].map((s) => {
      const x = ids2d([s]);
      const out = m.forward(x);
      expect(out.shape).toEqual([1, s.length, config.vocabSize]);
      const v = out.arraySync()[0]!;
      tf.dispose([x, out]);
      return v;
    });
    const pad = s1.length - s2.length;
    const ids = ids2d([s1, [...Array<number>(pad).fill(0), ...s2]]);
    const mask = tf.tensor2d([s1.map(() => 1), [...Array<number>(pad).fill(0), ...s2.map(() => 1)]], [2, s1.length], 'int32');
    const batched = m.forward(ids, { attentionMask: mask });
    const arr = batched.arraySync();
    for (let t = 0; t < s1.length; t++) for (let v = 0; v < 5; v++) expect(arr[0]![t]![v]).toBeCloseTo(single[0]![t]![v]!, 4);
    for (let t = 0; t < s2.length; t++) for (let v = 0; v < 5; v++) expect(arr[1]![pad + t]![v]).toBeCloseTo(single[1]![t]![v]!, 4);
    tf.dispose([ids, mask, batched]);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  // Each row is the same product as in the full pass; OpenBLAS may pick another kernel for a smaller product (its
  // small-matrix path), so the last bits can differ at these toy shapes (on the default models' scoring shapes the
  // rows came out bit-identical: docs/engine-speed.md, "Scoring at the scored positions").
  it('positions: the logits of the chosen flat positions only, the full pass\'s rows to float rounding', () => {
    const m = Transformer.init(config, 3);
    const rows = Array.from({ length: 12 }, (_, b) => Array.from({ length: 9 }, (_, t) => 1 + ((b * 7 + t * 5) % (config.vocabSize - 1))));
    const ids = ids2d(rows);
    const [B, T, V] = [12, 9, config.vocabSize];
    const positions = [0, 8, 17, 40, 41, 42, 100, 107]; // b·T + t
    const before = tf.memory().numTensors;
    const full = m.forward(ids);
    const some = m.forward(ids, { positions });
    expect(some.shape).toEqual([1, positions.length, V]);
    const f = full.dataSync() as Float32Array;
    const s = some.dataSync() as Float32Array;
    positions.forEach((p, i) => {
      for (let v = 0; v < V; v++) expect(Math.abs(s[i * V + v]! - f[p * V + v]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(f[p * V + v]!)));
    });
    expect(Array.from(s)).not.toEqual(Array.from(f.subarray(0, s.length))); // not simply the first rows
    expect(B * T).toBe(108);
    tf.dispose([full, some]);
    expect(tf.memory().numTensors).toBe(before);
    ids.dispose();
    m.dispose();
  });

  it('fromWeights(weights()) reproduces the logits; bad shapes are refused', () => {
    const m = Transformer.init(config, 3);
    const w = m.weights();
    const m2 = Transformer.fromWeights(config, w);
    const m2Count = m2.params.size;
    const x = ids2d([[1, 2, 3, 4]]);
    const [a, b] = [m.forward(x), m2.forward(x)];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const bad = new Map(w);
    bad.set('embed.W_E', tf.zeros([3, 3]));
    expect(() => Transformer.fromWeights(config, bad)).toThrow(ShapeMismatchError);
    tf.dispose([x, a, b, ...w.values(), bad.get('embed.W_E')!]);
    const n0 = tf.memory().numTensors;
    m.dispose();
    m2.dispose();
    expect(tf.memory().numTensors).toBe(n0 - 2 * m2Count);
  });
});

it('llama logits depend on position only through RoPE: shifting positions changes them', () => {
  const m = Transformer.init(tinyConfig('llama'), 2);
  const x = ids2d([[3, 4, 5]]);
  const a = m.forward(x);
  const pos = tf.tensor2d([[5, 6, 7]], [1, 3], 'int32');
  const b = m.forward(x, { positionIds: pos });
  // Relative positions are the same, so RoPE attention scores (and logits) are unchanged (RoFormer §3.4.2).
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
  expect(diff).toBeLessThan(1e-4);
  tf.dispose([x, a, b, pos]);
  m.dispose();
});
