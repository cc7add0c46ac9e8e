// One forward pass of the Transformer (model/transformer.ts): the state of one call (shapes, positions,
// attention mask, RoPE tables, hook context) and the steps `Transformer.run` strings together: embed;
// per block, attention then MLP; then the final norm and the unembedding. Each optional hook branch
// (per-head inputs, per-head outputs) is a named helper, so the main steps read straight through.
// Shapes: B batch, T new tokens, P cached (past) tokens, Tk = P + T key positions, N = B·T, d = dModel,
// H heads, Hkv key/value heads, dh = d/H, m = dMlp, V vocab. Residual activations stay 2-D [N, d]
// between hook points, so every weight matmul is a plain 2-D matmul (tfjs's broadcast-batch matMul
// gradient is wrong; docs/engine-backend.md §7).
import * as tf from '@tensorflow/tfjs';
import { blockCached } from '../kernels/block';
import { fusedAttention, fusedAttentionCached, gelu, layerNorm, linearBias, rmsNorm, swiglu } from '../kernels/ops';
import type { HookContext } from '../hooks/context';
import { hookName, type HookName } from '../hooks/names';
import type { PatchSet } from '../hooks/patches';
import { headDim, kvHeads, type ModelConfig } from './config';
import { ModelConfigError, SequenceTooLongError, ShapeMismatchError } from './errors';
import { passMask } from './mask';
import type { PrefixState } from './prefix';
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
  /** Return logits at these flat positions (b·T + t) only, as [1, M, V]: teacher-forced scoring reads a few
   *  positions, and the unembedding (a quarter of a tiny model's forward) of the others is skipped. Each row is
   *  the same product as in the full pass (docs/engine-speed.md, "Scoring at the scored positions"). */
  readonly positions?: readonly number[];
  /** Pre-transposed unembedding [d, V] (generation passes it once per call; docs/engine-backend.md §4). */
  readonly unembed?: tf.Tensor2D;
  /** Earlier keys/values (generation). */
  readonly cache?: KVCache;
  /** Start the pass at a remembered point of block `resume.layer` (model/prefix.ts; training's frozen prefix). */
  readonly resume?: PrefixState;
}

export interface ForwardResult {
  /** [B, T, V] (or [B, 1, V] with lastOnly). */
  readonly logits: tf.Tensor3D;
  /** The cache extended by this call's tokens (only from forwardWithCache). */
  readonly cache?: KVCache;
}

/** What a pass reads from the model: its config and its parameters by canonical name. */
export interface ForwardWeights {
  readonly config: ModelConfig;
  /** The parameter, or an UnknownParamError. */
  param(name: string): tf.Variable;
  /** The parameter if the model has it (optional biases, an untied unembedding). */
  readonly params: ReadonlyMap<string, tf.Variable>;
}

interface Qkv {
  q: tf.Tensor4D; // [B, T, H, dh]
  k: tf.Tensor4D; // [B, T, hk, dh], hk = H with per-head inputs, else Hkv
  v: tf.Tensor4D;
}

/** One call of the model; build it inside a tf.tidy (its tensors are intermediate). */
export class ForwardPass {
  private readonly c: ModelConfig;
  private readonly gpt2: boolean;
  private readonly B: number;
  private readonly T: number;
  private readonly P: number;
  private readonly Tk: number;
  private readonly N: number;
  private readonly d: number;
  private readonly H: number;
  private readonly Hkv: number;
  private readonly dh: number;
  private readonly hooks: HookContext | undefined;
  /** Position ids [B, T]: with left padding, the number of real tokens before each position. */
  private readonly positions: tf.Tensor2D;
  /** Additive attention mask [B|1, 1, T, Tk]. */
  private readonly maskAdd: tf.Tensor;
  /** RoPE tables (llama): cos, sin [B, T, 1, dh]. */
  private readonly rope: { cos: tf.Tensor4D; sin: tf.Tensor4D } | undefined;
  /** GQA: query head h reads key/value head ⌊h / (H/Hkv)⌋. */
  private readonly kvIndex: tf.Tensor1D | undefined;
  private readonly newCache: Array<{ k: tf.Tensor4D; v: tf.Tensor4D }> = [];

  constructor(
    private readonly model: ForwardWeights,
    patches: PatchSet,
    private readonly ids: tf.Tensor2D,
    private readonly opts: ForwardOptions,
    private readonly wantCache: boolean,
  ) {
    const c = (this.c = model.config);
    this.gpt2 = c.arch === 'gpt2';
    [this.B, this.T] = ids.shape;
    this.P = opts.cache?.length ?? 0;
    this.Tk = this.P + this.T;
    this.d = c.dModel;
    this.H = c.nHeads;
    this.Hkv = kvHeads(c);
    this.dh = headDim(c);
    this.N = this.B * this.T;
    const { B, T, P, Tk } = this;
    if (Tk > c.maxSeq) throw new SequenceTooLongError(`sequence of ${Tk} tokens exceeds the model's maxSeq ${c.maxSeq}`);
    if (ids.dtype !== 'int32') throw new ShapeMismatchError(`token ids must be int32, got ${ids.dtype}`);
    if (opts.attentionMask && !tf.util.arraysEqual(opts.attentionMask.shape, [B, Tk])) {
      throw new ShapeMismatchError(`attentionMask has shape [${opts.attentionMask.shape.join(', ')}], expected [${B}, ${Tk}]`);
    }
    // Patches see which of this call's tokens are real (left padding in generation; hooks/patches.ts PatchInfo).
    const realTokens = opts.attentionMask && patches.size ? (tf.slice(opts.attentionMask, [0, P], [B, T]) as tf.Tensor2D) : undefined;
    this.hooks = patches.context(opts.hooks, realTokens ? { realTokens } : {});

    // Query i (absolute P+i) sees key j iff j ≤ P+i (and, with a sliding window W, j > P+i−W; model/mask.ts) and key j
    // is real; with left padding, a position id counts the real tokens before it. Both tables come from JS (passMask).
    const tables = passMask(B, T, P, c.slidingWindow, opts.attentionMask?.dataSync());
    this.positions = opts.positionIds ?? tf.tensor2d(tables.positions, [B, T], 'int32');
    this.maskAdd = tf.tensor4d(tables.add, [tables.rows, 1, T, Tk]);

    this.rope = this.gpt2 ? undefined : ropeTables(this.positions, this.dh, c.ropeTheta ?? 10000);
    const { H, Hkv } = this;
    this.kvIndex = Hkv === H ? undefined : tf.tensor1d(Array.from({ length: H }, (_, h) => Math.floor(h / (H / Hkv))), 'int32');
  }

  // ---- the steps of the story ----

  /** Token (and, GPT-2 style, position) embeddings: the residual stream x [N, d]. */
  embed(): tf.Tensor2D {
    const { N } = this;
    const x = this.hook2(hookName.embed(), tf.gather(this.W('embed.W_E'), tf.reshape(this.ids, [N])) as tf.Tensor2D);
    if (!this.gpt2) return x;
    const pos = this.hook2(hookName.posEmbed(), tf.gather(this.W('pos_embed.W_pos'), tf.reshape(this.positions, [N])) as tf.Tensor2D);
    return tf.add(x, pos);
  }

  /** A hook point on the residual stream [N, d] between the blocks' steps (resid_pre, resid_mid, resid_post). */
  resid(name: HookName, x: tf.Tensor2D): tf.Tensor2D {
    return this.hook2(name, x);
  }

  /** Block l's attention output [N, d] for the residual stream x [N, d] (Vaswani et al. 2017, eq. 1). */
  attention(l: number, x: tf.Tensor2D): tf.Tensor2D {
    let { q, k, v } = this.perHeadInputs(l) ? this.qkvPerHead(l, x) : this.qkv(l, x);
    if (this.rope) {
      q = this.hook(hookName.rotQ(l), applyRope(q, this.rope.cos, this.rope.sin)) as tf.Tensor4D; // [B, T, H, dh]
      k = this.hook(hookName.rotK(l), applyRope(k, this.rope.cos, this.rope.sin)) as tf.Tensor4D; // [B, T, hk, dh]
    }
    const z = this.attend(l, q, k, v); // [B, T, H, dh]
    const out = this.hooks?.has(hookName.result(l)) ? this.outputPerHead(l, z) : this.output(l, z);
    return this.hook2(hookName.attnOut(l), out);
  }

  /** Block l of a pass without gradients (generation, scoring, a frozen prefix) as one native kernel where no hook watches
   *  the pass (kernels/block.ts: the bits of attention and MLP below): resid_post [N, d], or undefined (the caller
   *  composes the steps). Without a cache it is the cached kernel with none (P = 0: the same products). */
  inferenceBlock(l: number, x: tf.Tensor2D): tf.Tensor2D | undefined {
    if (this.hooks) return undefined;
    const { B, T, H, Hkv, dh, gpt2 } = this;
    const p = (name: string) => this.maybe(`blocks.${l}.${name}`);
    const w = {
      ln1w: this.W(`blocks.${l}.ln1.w`), ln1b: p('ln1.b'), ln2w: this.W(`blocks.${l}.ln2.w`), ln2b: p('ln2.b'),
      wq: this.W(`blocks.${l}.attn.W_Q`), bq: p('attn.b_Q'), wk: this.W(`blocks.${l}.attn.W_K`), bk: p('attn.b_K'),
      wv: this.W(`blocks.${l}.attn.W_V`), bv: p('attn.b_V'), wo: this.W(`blocks.${l}.attn.W_O`), bo: p('attn.b_O'),
      win: this.W(`blocks.${l}.mlp.W_in`), bin: p('mlp.b_in'), wgate: gpt2 ? undefined : this.W(`blocks.${l}.mlp.W_gate`),
      wout: this.W(`blocks.${l}.mlp.W_out`), bout: p('mlp.b_out'),
    };
    const eps = this.c.normEps ?? (gpt2 ? 1e-5 : 1e-6);
    const r = blockCached(x, w, this.opts.cache?.layers[l], this.maskAdd, this.rope, { llama: !gpt2, B, T, H, Hkv, dh, eps, scale: 1 / Math.sqrt(dh) });
    if (!r) return undefined;
    if (this.wantCache) this.newCache.push({ k: r.k, v: r.v });
    else tf.dispose([r.k, r.v]);
    return r.out;
  }

  /** Block l's MLP output [N, d]: GELU MLP (GPT-2) or SwiGLU (Llama) on the normed residual. */
  mlp(l: number, x: tf.Tensor2D): tf.Tensor2D {
    return this.mlpOut(l, this.mlpPost(l, x));
  }

  /** Block l's MLP up to its hidden activation mlp_post [N, m]: the key ROME edits W_out with. */
  mlpPost(l: number, x: tf.Tensor2D): tf.Tensor2D {
    const b = `blocks.${l}`;
    const mlpIn = this.hook2(hookName.mlpIn(l), x); // [N, d]: the MLP's own copy of the residual (edge attribution)
    const xm = this.hook2(hookName.ln2(l), this.norm(mlpIn, `${b}.ln2`)); // [N, d]
    let post: tf.Tensor2D;
    if (this.gpt2) {
      const pre = this.hook2(hookName.mlpPre(l), this.linear(xm, `${b}.mlp.W_in`, `${b}.mlp.b_in`)); // [N, m]
      post = gelu(pre) as tf.Tensor2D;
    } else {
      const gate = this.hook2(hookName.mlpPre(l), this.linear(xm, `${b}.mlp.W_gate`)); // [N, m]
      const up = this.hook2(hookName.mlpPreLinear(l), this.linear(xm, `${b}.mlp.W_in`)); // [N, m]
      post = swiglu(gate, up) as tf.Tensor2D;
    }
    return this.hook2(hookName.mlpPost(l), post); // [N, m]
  }

  /** Block l's MLP output projection of its hidden activation: post · W_out (+ b_out) [N, d]. */
  mlpOut(l: number, post: tf.Tensor2D): tf.Tensor2D {
    const b = `blocks.${l}`;
    return this.hook2(hookName.mlpOut(l), this.linear(post, `${b}.mlp.W_out`, `${b}.mlp.b_out`)); // [N, d]
  }

  /** Final norm and unembedding: logits = x · W_Uᵀ (tied: W_U = W_Eᵀ), with the cache this call extended. */
  unembed(x: tf.Tensor2D): ForwardResult {
    const { B, T, d } = this;
    let xf = this.hook2(hookName.lnFinal(), this.norm(x, 'ln_final')); // [N, d]
    let rows = T;
    let batch = B;
    if (this.opts.lastOnly) {
      xf = tf.reshape(tf.slice(tf.reshape(xf, [B, T, d]), [0, T - 1, 0], [B, 1, d]), [B, d]);
      rows = 1;
    } else if (this.opts.positions) {
      xf = tf.gather(xf, tf.tensor1d(this.opts.positions as number[], 'int32')); // [M, d]
      batch = 1;
      rows = this.opts.positions.length;
    }
    const logits2 = this.opts.unembed
      ? tf.matMul(xf, this.opts.unembed)
      : this.maybe('unembed.W_U')
        ? tf.matMul(xf, this.W('unembed.W_U'))
        : tf.matMul(xf, this.W('embed.W_E'), false, true); // [B·rows, V]
    const logits = tf.reshape(logits2, [batch, rows, this.c.vocabSize]) as tf.Tensor3D;
    return { logits, cache: this.wantCache ? { layers: this.newCache, length: this.Tk } : undefined };
  }

  // ---- attention, step by step ----

  /** Whether block l's heads read their own copies of the residual (hook_attn_in, opt-in for edge attribution). */
  private perHeadInputs(l: number): boolean {
    const split = this.hooks?.has(hookName.attnIn(l)) ?? false;
    if (split && (this.opts.cache || this.wantCache)) throw new ModelConfigError(`hook '${hookName.attnIn(l)}' cannot be used with a KV cache`);
    return split;
  }

  /** q, k, v from the normed residual: one matmul each. */
  private qkv(l: number, x: tf.Tensor2D): Qkv {
    const { B, T, H, Hkv, dh } = this;
    const b = `blocks.${l}`;
    const xa = this.hook2(hookName.ln1(l), this.norm(x, `${b}.ln1`)); // [N, d]
    return {
      q: this.hook(hookName.q(l), tf.reshape(this.linear(xa, `${b}.attn.W_Q`, `${b}.attn.b_Q`), [B, T, H, dh])) as tf.Tensor4D,
      k: this.hook(hookName.k(l), tf.reshape(this.linear(xa, `${b}.attn.W_K`, `${b}.attn.b_K`), [B, T, Hkv, dh])) as tf.Tensor4D,
      v: this.hook(hookName.v(l), tf.reshape(this.linear(xa, `${b}.attn.W_V`, `${b}.attn.b_V`), [B, T, Hkv, dh])) as tf.Tensor4D,
    };
  }

  /**
   * Per-head inputs: each head h reads its own copy of the residual, attn_in[:, :, h] [B, T, H, d], normalised
   * per head; its q, k, v come from that copy (k, v then have H heads, the GQA repeat applied to the weights).
   */
  private qkvPerHead(l: number, x: tf.Tensor2D): Qkv {
    const { B, T, N, d, H, Hkv, dh } = this;
    const b = `blocks.${l}`;
    const xin = this.hook(hookName.attnIn(l), tf.tile(tf.reshape(x, [B, T, 1, d]), [1, 1, H, 1])); // [B, T, H, d]
    const xh = tf.transpose(tf.reshape(this.norm(tf.reshape(xin, [N * H, d]) as tf.Tensor2D, `${b}.ln1`), [N, H, d]), [1, 0, 2]); // [H, N, d]
    // head h: xh[h] · W[:, cols of h's (kv) head] + b[those cols] → [B, T, H, dh]
    const perHead = (w: string, bias: string, heads: number, index: tf.Tensor1D | undefined): tf.Tensor4D => {
      let wh = tf.transpose(tf.reshape(this.W(w), [d, heads, dh]), [1, 0, 2]); // [heads, d, dh]
      if (index) wh = tf.gather(wh, index); // [H, d, dh]
      let y: tf.Tensor = tf.transpose(tf.matMul(xh, wh), [1, 0, 2]); // [N, H, dh]
      const bv = this.maybe(bias);
      if (bv) y = tf.add(y, index ? tf.gather(tf.reshape(bv, [heads, dh]), index) : tf.reshape(bv, [heads, dh]));
      return tf.reshape(y, [B, T, H, dh]) as tf.Tensor4D;
    };
    return {
      q: this.hook(hookName.q(l), perHead(`${b}.attn.W_Q`, `${b}.attn.b_Q`, H, undefined)) as tf.Tensor4D,
      k: this.hook(hookName.k(l), perHead(`${b}.attn.W_K`, `${b}.attn.b_K`, Hkv, this.kvIndex)) as tf.Tensor4D,
      v: this.hook(hookName.v(l), perHead(`${b}.attn.W_V`, `${b}.attn.b_V`, Hkv, this.kvIndex)) as tf.Tensor4D,
    };
  }

  /** softmax(q·kᵀ/√dh + mask)·v over this call's keys and the cached ones: z [B, T, H, dh]. */
  private attend(l: number, q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
    const { B, T, Tk, H, dh } = this;
    const hk = k.shape[2]; // key/value heads computed in this call
    // With no hook on these steps, one fused kernel (each way without a cache; forward only with one): the same bits.
    const unobserved = !this.hooks || ![hookName.pattern(l), hookName.z(l)].some((n) => this.hooks!.has(n));
    const scale = 1 / Math.sqrt(dh);
    if (unobserved && !this.opts.cache && !this.wantCache) {
      const z = fusedAttention(q, k, v, this.maskAdd, scale);
      if (z) return z;
    } else if (unobserved) {
      const r = fusedAttentionCached(q, k, v, this.opts.cache?.layers[l], this.maskAdd, scale);
      if (r) {
        if (this.wantCache) this.newCache.push({ k: r.k, v: r.v });
        return r.z;
      }
    }
    let kAll = this.swapTH(k); // [B, hk, T, dh]
    let vAll = this.swapTH(v);
    const past = this.opts.cache?.layers[l];
    if (past) {
      kAll = tf.concat([past.k, kAll], 2); // [B, Hkv, Tk, dh]
      vAll = tf.concat([past.v, vAll], 2);
    }
    if (this.wantCache) this.newCache.push({ k: kAll, v: vAll });
    const repeat = this.kvIndex && hk !== H;
    const kH = repeat ? tf.gather(kAll, this.kvIndex!, 1) : kAll; // [B, H, Tk, dh]
    const vH = repeat ? tf.gather(vAll, this.kvIndex!, 1) : vAll;
    const q3 = tf.reshape(this.swapTH(q), [B * H, T, dh]); // [B·H, T, dh]
    const scores = tf.reshape(tf.matMul(q3, tf.reshape(kH, [B * H, Tk, dh]), false, true), [B, H, T, Tk]);
    const pattern = this.hook(hookName.pattern(l), tf.softmax(tf.add(tf.mul(scores, scale), this.maskAdd))); // [B, H, T, Tk]
    const zH = tf.matMul(tf.reshape(pattern, [B * H, T, Tk]), tf.reshape(vH, [B * H, Tk, dh])); // [B·H, T, dh]
    return this.hook(hookName.z(l), this.swapTH(tf.reshape(zH, [B, H, T, dh]) as tf.Tensor4D)) as tf.Tensor4D; // [B, T, H, dh]
  }

  /** [B, a, b, dh] → [B, b, a, dh] (heads ↔ positions). With one position (a decode step) both layouts are the same
   *  memory, so a reshape (no copy) does it: a Transpose kernel per q, k, v and z was a tenth of a decode step. */
  private swapTH(x: tf.Tensor4D): tf.Tensor4D {
    const [b, p, q, dh] = x.shape;
    return (p === 1 || q === 1 ? tf.reshape(x, [b, q, p, dh]) : tf.transpose(x, [0, 2, 1, 3])) as tf.Tensor4D;
  }

  /** The heads' output projection z · W_O (+ b_O): [N, d]. */
  private output(l: number, z: tf.Tensor4D): tf.Tensor2D {
    const b = `blocks.${l}`;
    return this.linear(tf.reshape(z, [this.N, this.H * this.dh]), `${b}.attn.W_O`, `${b}.attn.b_O`);
  }

  /** Per-head outputs (hook_result, opt-in): z_h · W_O[h] [H, N, dh] × [H, dh, d] → [B, T, H, d], summed over heads. */
  private outputPerHead(l: number, z: tf.Tensor4D): tf.Tensor2D {
    const { B, T, N, d, H, dh } = this;
    const b = `blocks.${l}`;
    const zh = tf.transpose(tf.reshape(z, [N, H, dh]), [1, 0, 2]);
    const wo = tf.reshape(this.W(`${b}.attn.W_O`), [H, dh, d]);
    const result = this.hook(hookName.result(l), tf.reshape(tf.transpose(tf.matMul(zh, wo), [1, 0, 2]), [B, T, H, d]));
    let out = tf.reshape(tf.sum(result, 2), [N, d]) as tf.Tensor2D;
    const bO = this.maybe(`${b}.attn.b_O`);
    if (bO) out = tf.add(out, bO);
    return out;
  }

  // ---- weights, norms, hook points ----

  private W(name: string): tf.Variable {
    return this.model.param(name);
  }

  private maybe(name: string): tf.Variable | undefined {
    return this.model.params.get(name);
  }

  private linear(x: tf.Tensor2D, w: string, b?: string): tf.Tensor2D {
    const bias = b ? this.maybe(b) : undefined;
    return bias ? linearBias(x, this.W(w) as tf.Tensor2D, bias) : tf.matMul(x, this.W(w));
  }

  /** LayerNorm (GPT-2) or RMSNorm (Llama) with the weights under `prefix`. */
  private norm(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    const c = this.c;
    return (this.gpt2
      ? layerNorm(x, this.W(`${prefix}.w`), this.W(`${prefix}.b`), c.normEps ?? 1e-5)
      : rmsNorm(x, this.W(`${prefix}.w`), c.normEps ?? 1e-6)) as tf.Tensor2D;
  }

  /** A hook point on any activation. */
  private hook(name: HookName, x: tf.Tensor): tf.Tensor {
    return this.hooks ? this.hooks.point(name, x) : x;
  }

  /** A hook point on an [N, k] activation, seen by the hook as [B, T, k]. */
  private hook2(name: HookName, x2: tf.Tensor2D): tf.Tensor2D {
    const { B, T, N } = this;
    return this.hooks ? (tf.reshape(this.hooks.point(name, tf.reshape(x2, [B, T, x2.shape[1]])), [N, x2.shape[1]]) as tf.Tensor2D) : x2;
  }
}
