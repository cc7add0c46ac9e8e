// The attention mask against hand-computed masks, and sliding-window attention (Mistral) in the model:
// with one layer and RoPE, the last position of a long sequence sees exactly its last W tokens, so its
// logits equal those of those W tokens alone (RoPE scores depend on relative positions only); a KV cache
// gives the same logits as the full pass; a window at least as long as the sequence changes nothing.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { ModelConfigError } from './errors';
import { allowedKeys, passMask } from './mask';
import { tinyConfig } from './testing';
import { Transformer } from './transformer';

beforeAll(async () => {
  await initBackend();
});

const rows = (m: Float32Array, T: number): number[][] => Array.from({ length: T }, (_, i) => Array.from(m.slice((i * m.length) / T, ((i + 1) * m.length) / T)));
const ids2d = (r: number[]): tf.Tensor2D => tf.tensor2d([r], [1, r.length], 'int32');
const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('allowedKeys', () => {
  it('is the causal mask without a window', () => {
    expect(rows(allowedKeys(3, 1), 3)).toEqual([
      [1, 1, 0, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 1],
    ]);
  });

  it('keeps at most W keys, the query itself included (i − W < j ≤ i)', () => {
    expect(rows(allowedKeys(5, 0, 2), 5)).toEqual([
      [1, 0, 0, 0, 0],
      [1, 1, 0, 0, 0],
      [0, 1, 1, 0, 0],
      [0, 0, 1, 1, 0],
      [0, 0, 0, 1, 1],
    ]);
    // Two new queries (absolute positions 3 and 4) after 3 cached keys, W = 3.
    expect(rows(allowedKeys(2, 3, 3), 2)).toEqual([
      [0, 1, 1, 1, 0],
      [0, 0, 1, 1, 1],
    ]);
    // W = 1: each position sees only itself.
    expect(rows(allowedKeys(3, 0, 1), 3)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });
});

describe('sliding-window attention in the Transformer', () => {
  const seq = [5, 9, 3, 7, 2, 11, 4, 8];

  it('the last position of a 1-layer model sees exactly its last W tokens', () => {
    const W = 3;
    const m = Transformer.init(tinyConfig('llama', { nLayers: 1, nKvHeads: 2, slidingWindow: W }), 4);
    const full = ids2d(seq);
    const tail = ids2d(seq.slice(-W));
    const a = tf.tidy(() => tf.slice(m.forward(full), [0, seq.length - 1, 0], [1, 1, -1]));
    const b = tf.tidy(() => tf.slice(m.forward(tail), [0, W - 1, 0], [1, 1, -1]));
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
    // Without the window the same weights see the whole sequence and give other logits.
    const open = Transformer.fromWeights(tinyConfig('llama', { nLayers: 1, nKvHeads: 2 }), m.params);
    const c = tf.tidy(() => tf.slice(open.forward(full), [0, seq.length - 1, 0], [1, 1, -1]));
    expect(maxDiff(a, c)).toBeGreaterThan(1e-3);
    tf.dispose([full, tail, a, b, c]);
    [m, open].forEach((x) => x.dispose());
  });

  it('a KV cache gives the logits of the full pass; a window ≥ the sequence is full attention', () => {
    const m = Transformer.init(tinyConfig('llama', { nKvHeads: 2, slidingWindow: 3 }), 5);
    const full = ids2d(seq);
    const whole = m.forward(full);
    const head = ids2d(seq.slice(0, 5));
    const first = m.forwardWithCache(head);
    const rest = ids2d(seq.slice(5));
    const second = m.forwardWithCache(rest, { cache: first.cache });
    const tailOfWhole = tf.slice(whole, [0, 5, 0], [1, 3, -1]);
    expect(maxDiff(second.logits, tailOfWhole)).toBeLessThan(1e-4);
    const wide = Transformer.fromWeights(tinyConfig('llama', { nKvHeads: 2, slidingWindow: seq.length }), m.params);
    const open = Transformer.fromWeights(tinyConfig('llama', { nKvHeads: 2 }), m.params);
    const [x, y] = [wide.forward(full), open.forward(full)];
    expect(maxDiff(x, y)).toBe(0);
    expect(maxDiff(whole, y)).toBeGreaterThan(1e-3);
    tf.dispose([full, whole, head, first.logits, rest, second.logits, tailOfWhole, x, y]);
    for (const l of [...first.cache.layers, ...second.cache.layers]) tf.dispose([l.k, l.v]);
    [m, wide, open].forEach((t) => t.dispose());
  });

  it('refuses a window that is not a positive integer', () => {
    expect(() => Transformer.init(tinyConfig('llama', { slidingWindow: 0 }), 1)).toThrow(ModelConfigError);
    expect(() => Transformer.init(tinyConfig('llama', { slidingWindow: 2.5 }), 1)).toThrow(/slidingWindow must be a positive integer/);
  });
});

describe('passMask: the mask and position tables a pass uploads', () => {
  /** The tfjs composition the tables replace (forward.ts before them), as raw bits. */
  function composed(B: number, T: number, P: number, window: number | undefined, keep?: tf.Tensor2D): { add: Uint32Array; positions: Int32Array } {
    const [add, positions] = tf.tidy(() => {
      const Tk = P + T;
      const positions = keep
        ? tf.slice(tf.relu(tf.sub(tf.cumsum(tf.cast(keep, 'float32'), 1), 1)), [0, P], [B, T]).toInt()
        : tf.tile(tf.reshape(tf.range(P, Tk, 1, 'int32'), [1, T]), [B, 1]);
      let allowed: tf.Tensor = tf.reshape(tf.tensor2d(allowedKeys(T, P, window), [T, Tk]), [1, 1, T, Tk]);
      if (keep) allowed = tf.mul(allowed, tf.reshape(tf.cast(keep, 'float32'), [B, 1, 1, Tk]));
      return [tf.mul(tf.sub(1, allowed), -1e9), positions];
    });
    const out = { add: new Uint32Array(new Float32Array(add.dataSync()).buffer), positions: new Int32Array(positions.dataSync()) };
    tf.dispose([add, positions]);
    return out;
  }

  it('has the composition\'s bits (−0 where allowed, −1e9 elsewhere) and positions: padding, caches, windows, fractional masks', () => {
    const cases: Array<[number, number, number, number | undefined, number[][] | undefined]> = [
      [1, 5, 0, undefined, undefined],
      [2, 4, 3, undefined, undefined],
      [3, 6, 0, undefined, [[1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 0, 1]]],
      [2, 1, 7, undefined, [[0, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1]]],
      [2, 3, 4, 3, [[0, 1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1, 1]]],
      [1, 4, 0, 2, [[1, 0.5, 1, 0]]],
    ];
    for (const [B, T, P, window, keepRows] of cases) {
      const keep = keepRows ? tf.tensor2d(keepRows, [B, P + T], keepRows.flat().every(Number.isInteger) ? 'int32' : 'float32') : undefined;
      const want = composed(B, T, P, window, keep);
      const got = passMask(B, T, P, window, keep?.dataSync());
      expect(got.rows).toBe(keep ? B : 1);
      expect(new Uint32Array(got.add.buffer), `B${B} T${T} P${P} W${window}`).toEqual(want.add);
      expect(got.positions, `B${B} T${T} P${P} W${window}`).toEqual(want.positions);
      keep?.dispose();
    }
  });
});
