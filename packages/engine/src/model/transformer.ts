// The decoder-only transformer, GPT-2 style (LayerNorm, GELU MLP, learned positions, biases, tied
// unembedding; Radford et al. 2019) or Llama style (RMSNorm, SwiGLU MLP, RoPE, no biases; Touvron et al.
// 2023), with Qwen2-style q/k/v bias, grouped-query attention (Ainslie et al. 2023) and Mistral-style
// sliding-window attention (Jiang et al. 2023) as options.
// The whole forward pass is one story in `run` below; shapes are commented with B batch, T new tokens,
// P cached (past) tokens, Tk = P + T key positions, d = dModel, H heads, Hkv key/value heads, dh = d/H,
// m = dMlp, V vocab. Residual activations stay 2-D [B·T, d] between hook points, so every weight matmul is
// a plain 2-D matmul (tfjs's broadcast-batch matMul gradient is wrong; ENGINE-PERF.md hazard 3).
import * as tf from '@tensorflow/tfjs';
import { gelu, layerNorm, rmsNorm, swiglu } from '../kernels/ops';
import type { HookContext } from '../hooks/context';
import type { HookName } from '../hooks/names';
import { checkHookName, hookName } from '../hooks/names';
import { PatchSet, type PatchFn } from '../hooks/patches';
import { headDim, kvHeads, paramShapes, type ModelConfig } from './config';
import { closest } from 'fastest-levenshtein';
import { ModelConfigError, SequenceTooLongError, ShapeMismatchError, UnknownParamError } from './errors';
import { initialValues } from './init';
import { allowedKeys } from './mask';
import { applyRope, ropeTables } from './rope';

/** Keys and values of earlier tokens, per layer, after RoPE and before the GQA repeat: [B, Hkv, P, dh]. */
export interface KVCache {
  readonly layers: ReadonlyArray<{ readonly k: tf.Tensor4D; readonly v: tf.Tensor4D }>;
  /** P: number of cached positions. */
  readonly length: number;
}

export interface ForwardOptions {
  /** [B, Tk] with 1 for real tokens and 0 for (left) padding; Tk = P + T when a cache is given. */
  readonly attentionMask?: tf.Tensor2D;
  /** [B, T] int32 position ids. Default: number of real tokens before each position (from attentionMask), else P..P+T−1. */
  readonly positionIds?: tf.Tensor2D;
  /** Hook points of this run (hooks/run.ts). */
  readonly hooks?: HookContext;
  /** Return logits of the last position only: [B, 1, V]. */
  readonly lastOnly?: boolean;
  /** Pre-transposed unembedding [d, V] (generation passes it once per call; ENGINE-PERF.md §1c). */
  readonly unembed?: tf.Tensor2D;
  /** Earlier keys/values (generation). */
  readonly cache?: KVCache;
}

export interface ForwardResult {
  /** [B, T, V] (or [B, 1, V] with lastOnly). */
  readonly logits: tf.Tensor3D;
  /** The cache extended by this call's tokens (only from forwardWithCache). */
  readonly cache?: KVCache;
}

const MASK_NEG = -1e9;

export class Transformer {
  readonly config: ModelConfig;
  readonly params: Map<string, tf.Variable>;
  private readonly patches = new PatchSet();

  private constructor(config: ModelConfig, params: Map<string, tf.Variable>) {
    this.config = config;
    this.params = params;
  }

  /** A freshly initialised model (GPT-2 init, model/init.ts); deterministic for a seed. */
  static init(config: ModelConfig, seed: number): Transformer {
    validateConfig(config);
    const params = new Map<string, tf.Variable>();
    for (const [name, shape, values] of initialValues(config, seed)) {
      params.set(name, toVariable(name, tf.tensor(values, shape, 'float32')));
    }
    return new Transformer(config, params);
  }

  /** A model holding copies of the given weights (names and shapes exactly paramShapes(config)). */
  static fromWeights(config: ModelConfig, weights: ReadonlyMap<string, tf.Tensor>): Transformer {
    validateConfig(config);
    const expected = paramShapes(config);
    const extra = [...weights.keys()].filter((k) => !expected.some(([n]) => n === k));
    if (extra.length) throw new ShapeMismatchError(`unexpected weights for this config: ${extra.slice(0, 5).join(', ')}`);
    const params = new Map<string, tf.Variable>();
    for (const [name, shape] of expected) {
      const w = weights.get(name);
      if (!w) throw new ShapeMismatchError(`missing weight '${name}' (expected shape [${shape.join(', ')}])`);
      if (!tf.util.arraysEqual(w.shape, shape)) {
        throw new ShapeMismatchError(`weight '${name}' has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
      }
      params.set(name, toVariable(name, tf.cast(w, 'float32')));
    }
    return new Transformer(config, params);
  }

  /** Token id rows (equal lengths) as the [B, T] int32 tensor forward() takes; the caller disposes it. */
  static idsTensor(rows: readonly (readonly number[])[]): tf.Tensor2D {
    const T = rows[0]?.length ?? 0;
    if (rows.some((r) => r.length !== T)) throw new ShapeMismatchError('idsTensor: rows must have equal lengths (pad them)');
    return tf.tensor2d(rows.flat(), [rows.length, T], 'int32');
  }

  /** Current weights as fresh tensors (the caller disposes them). */
  weights(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, v] of this.params) out.set(name, tf.clone(v));
    return out;
  }

  /** One parameter by its canonical name. */
  param(name: string): tf.Variable {
    const p = this.params.get(name);
    if (!p) {
      const near = this.params.size ? ` (did you mean '${closest(name, [...this.params.keys()])}'?)` : '';
      throw new UnknownParamError(`no parameter '${name}' in this ${this.config.arch} model with ${this.config.nLayers} layers${near}`);
    }
    return p;
  }

  /**
   * Apply fn at a hook point in every forward pass (incl. scoring and generation) until the returned undo
   * is called. Patches run before a run's own hooks; the function must keep the activation's shape.
   */
  addPatch(name: string, fn: PatchFn): () => void {
    return this.patches.add(checkHookName(this.config, name), fn);
  }

  /** Number of installed patches. */
  get patchCount(): number {
    return this.patches.size;
  }

  /** Logits [B, T, V] for token ids [B, T] (int32). */
  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => this.run(ids, opts, false).logits);
  }

  /** Logits plus the KV cache extended by these tokens (generation). */
  forwardWithCache(ids: tf.Tensor2D, opts: ForwardOptions = {}): { logits: tf.Tensor3D; cache: KVCache } {
    const out = tf.tidy(() => {
      const r = this.run(ids, opts, true);
      const layers = r.cache!.layers;
      return { logits: r.logits, ks: layers.map((x) => x.k), vs: layers.map((x) => x.v) };
    });
    const layers = out.ks.map((k, i) => ({ k, v: out.vs[i]! }));
    return { logits: out.logits, cache: { layers, length: (opts.cache?.length ?? 0) + ids.shape[1] } };
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }

  private run(ids: tf.Tensor2D, opts: ForwardOptions, wantCache: boolean): ForwardResult {
    const c = this.config;
    const gpt2 = c.arch === 'gpt2';
    const [B, T] = ids.shape;
    const P = opts.cache?.length ?? 0;
    const Tk = P + T;
    const d = c.dModel;
    const H = c.nHeads;
    const Hkv = kvHeads(c);
    const dh = headDim(c);
    const N = B * T;
    if (Tk > c.maxSeq) throw new SequenceTooLongError(`sequence of ${Tk} tokens exceeds the model's maxSeq ${c.maxSeq}`);
    if (ids.dtype !== 'int32') throw new ShapeMismatchError(`token ids must be int32, got ${ids.dtype}`);
    if (opts.attentionMask && !tf.util.arraysEqual(opts.attentionMask.shape, [B, Tk])) {
      throw new ShapeMismatchError(`attentionMask has shape [${opts.attentionMask.shape.join(', ')}], expected [${B}, ${Tk}]`);
    }
    const hooks = this.patches.context(opts.hooks);
    const W = (name: string): tf.Variable => this.param(name);
    const maybe = (name: string): tf.Variable | undefined => this.params.get(name);
    // Hook point on a [N, k] activation seen as [B, T, k].
    const hp = (name: HookName, x: tf.Tensor): tf.Tensor => (hooks ? hooks.point(name, x) : x);
    const hp2 = (name: HookName, x2: tf.Tensor2D): tf.Tensor2D =>
      hooks ? (tf.reshape(hooks.point(name, tf.reshape(x2, [B, T, x2.shape[1]])), [N, x2.shape[1]]) as tf.Tensor2D) : x2;
    const linear = (x: tf.Tensor2D, w: string, b?: string): tf.Tensor2D => {
      const bias = b ? maybe(b) : undefined;
      return bias ? (tf.fused.matMul({ a: x, b: W(w), bias }) as tf.Tensor2D) : tf.matMul(x, W(w));
    };
    const norm = (x: tf.Tensor2D, prefix: string): tf.Tensor2D =>
      (gpt2
        ? layerNorm(x, W(`${prefix}.w`), W(`${prefix}.b`), c.normEps ?? 1e-5)
        : rmsNorm(x, W(`${prefix}.w`), c.normEps ?? 1e-6)) as tf.Tensor2D;

    // Position ids [B, T]: with left padding, the number of real tokens before each position.
    const positions: tf.Tensor2D =
      opts.positionIds ??
      (opts.attentionMask
        ? (tf.slice(tf.relu(tf.sub(tf.cumsum(tf.cast(opts.attentionMask, 'float32'), 1), 1)), [0, P], [B, T]).toInt() as tf.Tensor2D)
        : (tf.tile(tf.reshape(tf.range(P, Tk, 1, 'int32'), [1, T]), [B, 1]) as tf.Tensor2D));

    // Additive attention mask [B, 1, T, Tk]: query i (absolute P+i) sees key j iff j ≤ P+i (and, with a
    // sliding window W, j > P+i−W; model/mask.ts) and key j is real.
    let allowed: tf.Tensor = tf.reshape(tf.tensor2d(allowedKeys(T, P, c.slidingWindow), [T, Tk]), [1, 1, T, Tk]);
    if (opts.attentionMask) allowed = tf.mul(allowed, tf.reshape(tf.cast(opts.attentionMask, 'float32'), [B, 1, 1, Tk]));
    const maskAdd = tf.mul(tf.sub(1, allowed), MASK_NEG); // [B|1, 1, T, Tk]

    // RoPE tables (llama): cos, sin [B, T, 1, dh].
    const rope = gpt2 ? undefined : ropeTables(positions, dh, c.ropeTheta ?? 10000);

    // Embeddings → residual stream x [N, d].
    const flatIds = tf.reshape(ids, [N]);
    let x = hp2(hookName.embed(), tf.gather(W('embed.W_E'), flatIds) as tf.Tensor2D); // [N, d]
    if (gpt2) {
      const pos = hp2(hookName.posEmbed(), tf.gather(W('pos_embed.W_pos'), tf.reshape(positions, [N])) as tf.Tensor2D); // [N, d]
      x = tf.add(x, pos);
    }

    // GQA: query head h reads key/value head ⌊h / (H/Hkv)⌋.
    const kvIndex = Hkv === H ? undefined : tf.tensor1d(Array.from({ length: H }, (_, h) => Math.floor(h / (H / Hkv))), 'int32');
    const newCache: Array<{ k: tf.Tensor4D; v: tf.Tensor4D }> = [];

    for (let l = 0; l < c.nLayers; l++) {
      const b = `blocks.${l}`;
      x = hp2(hookName.residPre(l), x); // [N, d]

      // ---- attention ----
      // Per-head inputs (opt-in, for edge attribution): each head h reads its own copy of the residual,
      // attn_in[:, :, h] [B, T, H, d], normalised per head; its q, k, v come from that copy (k, v then have H heads).
      const split = hooks?.has(hookName.attnIn(l)) ?? false;
      if (split && (opts.cache || wantCache)) throw new ModelConfigError(`hook '${hookName.attnIn(l)}' cannot be used with a KV cache`);
      const hk = split ? H : Hkv; // key/value heads computed in this call
      let q: tf.Tensor4D;
      let k: tf.Tensor4D;
      let v: tf.Tensor4D;
      if (split) {
        const xin = hp(hookName.attnIn(l), tf.tile(tf.reshape(x, [B, T, 1, d]), [1, 1, H, 1])); // [B, T, H, d]
        const xh = tf.transpose(tf.reshape(norm(tf.reshape(xin, [N * H, d]) as tf.Tensor2D, `${b}.ln1`), [N, H, d]), [1, 0, 2]); // [H, N, d]
        // head h: xh[h] · W[:, cols of h's (kv) head] + b[those cols] → [B, T, H, dh]
        const perHead = (w: string, bias: string, heads: number, index: tf.Tensor1D | undefined): tf.Tensor4D => {
          let wh = tf.transpose(tf.reshape(W(w), [d, heads, dh]), [1, 0, 2]); // [heads, d, dh]
          if (index) wh = tf.gather(wh, index); // [H, d, dh]
          let y: tf.Tensor = tf.transpose(tf.matMul(xh, wh), [1, 0, 2]); // [N, H, dh]
          const bv = maybe(bias);
          if (bv) y = tf.add(y, index ? tf.gather(tf.reshape(bv, [heads, dh]), index) : tf.reshape(bv, [heads, dh]));
          return tf.reshape(y, [B, T, H, dh]) as tf.Tensor4D;
        };
        q = hp(hookName.q(l), perHead(`${b}.attn.W_Q`, `${b}.attn.b_Q`, H, undefined)) as tf.Tensor4D;
        k = hp(hookName.k(l), perHead(`${b}.attn.W_K`, `${b}.attn.b_K`, Hkv, kvIndex)) as tf.Tensor4D;
        v = hp(hookName.v(l), perHead(`${b}.attn.W_V`, `${b}.attn.b_V`, Hkv, kvIndex)) as tf.Tensor4D;
      } else {
        const xa = hp2(hookName.ln1(l), norm(x, `${b}.ln1`)); // [N, d]
        q = hp(hookName.q(l), tf.reshape(linear(xa, `${b}.attn.W_Q`, `${b}.attn.b_Q`), [B, T, H, dh])) as tf.Tensor4D;
        k = hp(hookName.k(l), tf.reshape(linear(xa, `${b}.attn.W_K`, `${b}.attn.b_K`), [B, T, Hkv, dh])) as tf.Tensor4D;
        v = hp(hookName.v(l), tf.reshape(linear(xa, `${b}.attn.W_V`, `${b}.attn.b_V`), [B, T, Hkv, dh])) as tf.Tensor4D;
      }
      if (rope) {
        q = hp(hookName.rotQ(l), applyRope(q, rope.cos, rope.sin)) as tf.Tensor4D; // [B, T, H, dh]
        k = hp(hookName.rotK(l), applyRope(k, rope.cos, rope.sin)) as tf.Tensor4D; // [B, T, hk, dh]
      }
      let kAll = tf.transpose(k, [0, 2, 1, 3]) as tf.Tensor4D; // [B, hk, T, dh]
      let vAll = tf.transpose(v, [0, 2, 1, 3]) as tf.Tensor4D;
      const past = opts.cache?.layers[l];
      if (past) {
        kAll = tf.concat([past.k, kAll], 2); // [B, Hkv, Tk, dh]
        vAll = tf.concat([past.v, vAll], 2);
      }
      if (wantCache) newCache.push({ k: kAll, v: vAll });
      const repeat = kvIndex && hk !== H;
      const kH = repeat ? tf.gather(kAll, kvIndex, 1) : kAll; // [B, H, Tk, dh]
      const vH = repeat ? tf.gather(vAll, kvIndex, 1) : vAll;
      const q3 = tf.reshape(tf.transpose(q, [0, 2, 1, 3]), [B * H, T, dh]); // [B·H, T, dh]
      // scores = q·kᵀ/√dh (Vaswani et al. 2017, eq. 1), masked, softmax over keys.
      const scores = tf.reshape(tf.matMul(q3, tf.reshape(kH, [B * H, Tk, dh]), false, true), [B, H, T, Tk]);
      const pattern = hp(hookName.pattern(l), tf.softmax(tf.add(tf.mul(scores, 1 / Math.sqrt(dh)), maskAdd))); // [B, H, T, Tk]
      const zH = tf.matMul(tf.reshape(pattern, [B * H, T, Tk]), tf.reshape(vH, [B * H, Tk, dh])); // [B·H, T, dh]
      const z = hp(hookName.z(l), tf.transpose(tf.reshape(zH, [B, H, T, dh]), [0, 2, 1, 3])) as tf.Tensor4D; // [B, T, H, dh]
      let attnOut: tf.Tensor2D;
      if (hooks?.has(hookName.result(l))) {
        // Per-head outputs z_h · W_O[h]: [H, N, dh] × [H, dh, d] → [H, N, d] → [B, T, H, d].
        const zh = tf.transpose(tf.reshape(z, [N, H, dh]), [1, 0, 2]);
        const wo = tf.reshape(W(`${b}.attn.W_O`), [H, dh, d]);
        const result = hp(hookName.result(l), tf.reshape(tf.transpose(tf.matMul(zh, wo), [1, 0, 2]), [B, T, H, d]));
        attnOut = tf.reshape(tf.sum(result, 2), [N, d]);
        const bO = maybe(`${b}.attn.b_O`);
        if (bO) attnOut = tf.add(attnOut, bO);
      } else {
        attnOut = linear(tf.reshape(z, [N, H * dh]), `${b}.attn.W_O`, `${b}.attn.b_O`); // [N, d]
      }
      attnOut = hp2(hookName.attnOut(l), attnOut);
      x = hp2(hookName.residMid(l), tf.add(x, attnOut)); // [N, d]

      // ---- MLP ----
      const mlpIn = hp2(hookName.mlpIn(l), x); // [N, d]: the MLP's own copy of the residual (edge attribution)
      const xm = hp2(hookName.ln2(l), norm(mlpIn, `${b}.ln2`)); // [N, d]
      let post: tf.Tensor2D;
      if (gpt2) {
        const pre = hp2(hookName.mlpPre(l), linear(xm, `${b}.mlp.W_in`, `${b}.mlp.b_in`)); // [N, m]
        post = gelu(pre) as tf.Tensor2D;
      } else {
        const gate = hp2(hookName.mlpPre(l), linear(xm, `${b}.mlp.W_gate`)); // [N, m]
        const up = hp2(hookName.mlpPreLinear(l), linear(xm, `${b}.mlp.W_in`)); // [N, m]
        post = swiglu(gate, up) as tf.Tensor2D;
      }
      post = hp2(hookName.mlpPost(l), post); // [N, m]: the key ROME edits W_out with
      const mlpOut = hp2(hookName.mlpOut(l), linear(post, `${b}.mlp.W_out`, `${b}.mlp.b_out`)); // [N, d]
      x = hp2(hookName.residPost(l), tf.add(x, mlpOut)); // [N, d]
    }

    // Final norm and unembedding: logits = x · W_Uᵀ (tied: W_U = W_Eᵀ).
    let xf = hp2(hookName.lnFinal(), norm(x, 'ln_final')); // [N, d]
    let rows = T;
    if (opts.lastOnly) {
      xf = tf.reshape(tf.slice(tf.reshape(xf, [B, T, d]), [0, T - 1, 0], [B, 1, d]), [B, d]);
      rows = 1;
    }
    const logits2 = opts.unembed
      ? tf.matMul(xf, opts.unembed)
      : maybe('unembed.W_U')
        ? tf.matMul(xf, W('unembed.W_U'))
        : tf.matMul(xf, W('embed.W_E'), false, true); // [B·rows, V]
    const logits = tf.reshape(logits2, [B, rows, c.vocabSize]) as tf.Tensor3D;
    return { logits, cache: wantCache ? { layers: newCache, length: Tk } : undefined };
  }

  /** The unembedding as a [d, V] matrix (transposed once for tied models); the caller disposes it. */
  unembedMatrix(): tf.Tensor2D {
    const wu = this.params.get('unembed.W_U');
    return (wu ? tf.clone(wu) : tf.transpose(this.param('embed.W_E'))) as tf.Tensor2D;
  }
}

let nextUid = 0;

/** A trainable variable holding t's data under a unique name (tfjs variable names are global); t is released. */
function toVariable(name: string, t: tf.Tensor): tf.Variable {
  const v = tf.variable(t, true, `${name}#${nextUid++}`);
  t.dispose();
  return v;
}

function validateConfig(c: ModelConfig): void {
  const positive = ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'dMlp', 'maxSeq'] as const;
  for (const k of positive) {
    if (!Number.isInteger(c[k]) || c[k] <= 0) throw new ModelConfigError(`ModelConfig.${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.arch !== 'gpt2' && c.arch !== 'llama') throw new ModelConfigError(`ModelConfig.arch must be 'gpt2' or 'llama', got '${String(c.arch)}'`);
  try {
    headDim(c);
    kvHeads(c);
  } catch (e) {
    throw new ModelConfigError((e as Error).message);
  }
  if (c.slidingWindow !== undefined && (!Number.isInteger(c.slidingWindow) || c.slidingWindow <= 0)) {
    throw new ModelConfigError(`ModelConfig.slidingWindow must be a positive integer, got ${c.slidingWindow}`);
  }
  if (c.arch === 'llama' && headDim(c) % 2 !== 0) throw new ModelConfigError(`RoPE needs an even head dim, got ${headDim(c)}`);
}
