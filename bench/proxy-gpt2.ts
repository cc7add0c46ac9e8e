// A GPT-2-style model for the bench, written with the engine's compound ops (gelu, layerNorm,
// maskedCrossEntropy from @editlab/engine), the canonical parameter names of model/config.ts and
// the probe's protocol (docs/engine-backend.md §1): pre-LN, causal MHA with separate
// Q/K/V projections, 4x tanh-GELU MLP, tied head, masked mean cross-entropy, Adam(3e-4).
// Used until / unless the engine's own Transformer is available (bench/run.ts picks).
import * as tf from '@tensorflow/tfjs';
import { adam, gelu, layerNorm, maskedCrossEntropy } from '@editlab/engine';
import { GEN, type BenchSize } from './sizes';

type Params = Map<string, tf.Variable>;

function init(s: BenchSize, seed: number): Params {
  const p: Params = new Map();
  let k = seed;
  const w = (name: string, shape: number[], std = 0.02) => p.set(name, tf.variable(tf.randomNormal(shape, 0, std, 'float32', k++), true, name));
  const c = (name: string, shape: number[], v: number) => p.set(name, tf.variable(tf.fill(shape, v), true, name));
  const d = s.d;
  w('embed.W_E', [s.vocab, d]);
  w('pos_embed.W_pos', [s.seq + GEN.newTokens + GEN.promptLen, d], 0.01);
  for (let l = 0; l < s.layers; l++) {
    const b = `blocks.${l}`;
    c(`${b}.ln1.w`, [d], 1); c(`${b}.ln1.b`, [d], 0);
    for (const n of ['Q', 'K', 'V', 'O']) { w(`${b}.attn.W_${n}`, [d, d]); c(`${b}.attn.b_${n}`, [d], 0); }
    c(`${b}.ln2.w`, [d], 1); c(`${b}.ln2.b`, [d], 0);
    w(`${b}.mlp.W_in`, [d, 4 * d]); c(`${b}.mlp.b_in`, [4 * d], 0);
    w(`${b}.mlp.W_out`, [4 * d, d]); c(`${b}.mlp.b_out`, [d], 0);
  }
  c('ln_final.w', [d], 1); c('ln_final.b', [d], 0);
  return p;
}

function linear(p: Params, x: tf.Tensor, W: string, b: string): tf.Tensor {
  return tf.add(tf.matMul(x as tf.Tensor2D, p.get(W)!), p.get(b)!);
}

interface Kv { k: tf.Tensor; v: tf.Tensor }

/** One pass over x [B, T, D] (positions pos0..pos0+T-1). With `cache`, keys/values are appended to it. */
function blocks(s: BenchSize, p: Params, x0: tf.Tensor, mask: tf.Tensor, cache?: Kv[]): tf.Tensor {
  const [B, T] = x0.shape as [number, number, number];
  const H = s.heads, Dh = s.d / s.heads;
  let x = tf.reshape(x0, [B * T, s.d]); // [B·T, D]
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, H, Dh]), [0, 2, 1, 3]); // [B, H, T, Dh]
  for (let l = 0; l < s.layers; l++) {
    const b = `blocks.${l}`;
    const h = layerNorm(x, p.get(`${b}.ln1.w`)!, p.get(`${b}.ln1.b`)!);
    const q = split(linear(p, h, `${b}.attn.W_Q`, `${b}.attn.b_Q`));
    let k = split(linear(p, h, `${b}.attn.W_K`, `${b}.attn.b_K`));
    let v = split(linear(p, h, `${b}.attn.W_V`, `${b}.attn.b_V`));
    if (cache) {
      const c = cache[l];
      if (c) { k = tf.concat([c.k, k], 2); v = tf.concat([c.v, v], 2); tf.dispose([c.k, c.v]); }
      cache[l] = { k: tf.keep(k), v: tf.keep(v) };
    }
    const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(Dh)), mask)); // [B, H, T, S]
    const z = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * T, s.d]);
    x = tf.add(x, linear(p, z, `${b}.attn.W_O`, `${b}.attn.b_O`));
    const h2 = layerNorm(x, p.get(`${b}.ln2.w`)!, p.get(`${b}.ln2.b`)!);
    x = tf.add(x, linear(p, gelu(linear(p, h2, `${b}.mlp.W_in`, `${b}.mlp.b_in`)), `${b}.mlp.W_out`, `${b}.mlp.b_out`));
  }
  return layerNorm(x, p.get('ln_final.w')!, p.get('ln_final.b')!); // [B·T, D]
}

function embed(p: Params, ids: tf.Tensor2D, pos0: number): tf.Tensor {
  const [, T] = ids.shape;
  return tf.add(tf.gather(p.get('embed.W_E')!, ids), tf.slice(p.get('pos_embed.W_pos')!, [pos0, 0], [T, -1]));
}

/** Additive causal mask [T, S] for queries at positions S−T..S−1 over keys 0..S−1. */
function causalMask(T: number, S: number): tf.Tensor {
  const m = new Float32Array(T * S);
  for (let i = 0; i < T; i++) for (let j = 0; j < S; j++) m[i * S + j] = j <= S - T + i ? 0 : -1e9;
  return tf.tensor2d(m, [T, S]);
}

export interface ProxyModel {
  /** One training step; returns the loss (a sync point: the scalar is read back). */
  step(): number;
  /** Greedy generation of GEN.newTokens for GEN.prompts prompts with a KV cache; returns the tokens. */
  generate(): number[][];
  dispose(): void;
}

export function proxyModel(s: BenchSize, seed = 1): ProxyModel {
  const p = init(s, seed);
  const opt = adam(3e-4);
  const vars = [...p.values()];
  const rnd = tf.randomUniform([s.batch, s.seq + 1], 0, s.vocab, 'int32', seed + 99);
  const ids = tf.keep(tf.slice(rnd, [0, 0], [s.batch, s.seq]) as tf.Tensor2D);
  const targets = tf.keep(tf.reshape(tf.slice(rnd, [0, 1], [s.batch, s.seq]), [-1]) as tf.Tensor1D);
  // About 1/8 of the target positions masked out, as in the probe.
  const lossMask = tf.keep(tf.tensor1d(Array.from({ length: s.batch * s.seq }, (_, i) => (i % 8 === 0 ? 0 : 1))));
  const mask = tf.keep(causalMask(s.seq, s.seq));
  rnd.dispose();
  const prompts = tf.keep(tf.randomUniform([GEN.prompts, GEN.promptLen], 0, s.vocab, 'int32', seed + 7) as tf.Tensor2D);
  return {
    step(): number {
      const loss = opt.minimize(() => {
        const h = blocks(s, p, embed(p, ids, 0), mask);
        const logits = tf.matMul(h as tf.Tensor2D, p.get('embed.W_E')!, false, true); // tied head [B·T, V]
        return maskedCrossEntropy(logits as tf.Tensor2D, targets, lossMask);
      }, true, vars)!;
      const v = loss.dataSync()[0]!; // sync point
      loss.dispose();
      return v;
    },
    generate(): number[][] {
      const cache: Kv[] = [];
      const headT = tf.keep(tf.transpose(p.get('embed.W_E')!)); // [D, V], once per call (docs/engine-backend.md §4)
      const out: number[][] = Array.from({ length: GEN.prompts }, () => []);
      let next = tf.tidy(() => {
        const h = blocks(s, p, embed(p, prompts, 0), causalMask(GEN.promptLen, GEN.promptLen), cache);
        const last = tf.reshape(h, [GEN.prompts, GEN.promptLen, s.d]).slice([0, GEN.promptLen - 1, 0], [-1, 1, -1]);
        return tf.argMax(tf.matMul(tf.reshape(last, [GEN.prompts, s.d]), headT), -1);
      });
      for (let t = 0; t < GEN.newTokens; t++) {
        const toks = next.dataSync(); // sync point per token
        toks.forEach((v, i) => out[i]!.push(v));
        if (t === GEN.newTokens - 1) break;
        const pos = GEN.promptLen + t;
        const prev = next;
        next = tf.tidy(() => {
          const h = blocks(s, p, embed(p, tf.reshape(prev, [GEN.prompts, 1]) as tf.Tensor2D, pos), tf.zeros([1, pos + 1]), cache);
          return tf.argMax(tf.matMul(h, headT), -1);
        });
        prev.dispose();
      }
      next.dispose();
      headT.dispose();
      for (const c of cache) tf.dispose([c.k, c.v]);
      return out;
    },
    dispose(): void {
      tf.dispose([...vars, ids, targets, lossMask, mask, prompts]);
      opt.dispose();
    },
  };
}
