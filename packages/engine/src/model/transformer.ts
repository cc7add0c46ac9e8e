// The decoder-only transformer, GPT-2 style (LayerNorm, GELU MLP, learned positions, biases, tied
// unembedding; Radford et al. 2019) or Llama style (RMSNorm, SwiGLU MLP, RoPE, no biases; Touvron et al.
// 2023), with Qwen2-style q/k/v bias, grouped-query attention (Ainslie et al. 2023) and Mistral-style
// sliding-window attention (Jiang et al. 2023) as options.
// The whole forward pass is one story in `run` below, its steps in model/forward.ts (with the shapes).
import * as tf from '@tensorflow/tfjs';
import { checkHookName, hookName } from '../hooks/names';
import { PatchSet, type PatchFn } from '../hooks/patches';
import { headDim, kvHeads, paramShapes, type ModelConfig } from './config';
import { closest } from 'fastest-levenshtein';
import { ModelConfigError, ShapeMismatchError, UnknownParamError } from './errors';
import { ForwardPass, type ForwardOptions, type ForwardResult, type KVCache } from './forward';
import { initialValues } from './init';
import { PrefixMemo, resumePoint, type PrefixState, type ResumePoint } from './prefix';
import { RouteSet, type InferenceRoute, type RouteDecision } from './route';

export type { ForwardOptions, ForwardResult, KVCache } from './forward';

export class Transformer {
  readonly config: ModelConfig;
  readonly params: Map<string, tf.Variable>;
  private readonly patches = new PatchSet();
  private readonly routes = new RouteSet();
  /** The frozen prefix of the training phase in progress (freezePrefix). */
  private memo: PrefixMemo | undefined;

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

  /**
   * Answer queries by this route until the returned undo is called (model/route.ts): scoring and generation
   * ask it, for each prompt, whether another model answers, with what tokens before the prompt and what
   * embedding prefix. `forward` does not (it is the bare network). Routes installed later are asked first.
   */
  addRoute(route: InferenceRoute): () => void {
    return this.routes.add(route);
  }

  /** Number of installed routes. */
  get routeCount(): number {
    return this.routes.size;
  }

  /** How the installed routes answer a query with these prompt tokens (undefined: as the bare model). */
  routeFor(promptIds: readonly number[]): RouteDecision | undefined {
    return this.routes.decide(promptIds);
  }

  /** Logits [B, T, V] for token ids [B, T] (int32). */
  forward(ids: tf.Tensor2D, opts: ForwardOptions = {}): tf.Tensor3D {
    const memo = this.memo;
    if (memo && this.patches.size === 0 && Object.values(opts).every((v) => v === undefined)) {
      const resume = memo.get(ids, () => this.prefix(ids, memo.point));
      if (resume) return tf.tidy(() => this.run(ids, { resume }, false).logits);
    }
    return tf.tidy(() => this.run(ids, opts, false).logits);
  }

  /**
   * Remember, per batch of ids, the activations before the first of these (trained) parameters, and resume plain
   * `forward` calls there until the returned release is called (model/prefix.ts; the training loop's frozen
   * prefix). The caller must not change any other parameter meanwhile. Undefined when nothing would be saved.
   */
  freezePrefix(trained: readonly string[]): (() => void) | undefined {
    const point = resumePoint(trained);
    if (!point || this.memo) return undefined;
    const memo = (this.memo = new PrefixMemo(point));
    return () => {
      memo.dispose();
      if (this.memo === memo) this.memo = undefined;
    };
  }

  /** Passes that resumed from a remembered prefix in the current freezePrefix (tests read it). */
  get prefixHits(): number {
    return this.memo?.hits ?? 0;
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

  /**
   * The forward pass as one story (model/forward.ts holds each step and its hook branches): embed; then per
   * block, attention and MLP, each added to the residual stream; then the final norm and the unembedding.
   */
  private run(ids: tf.Tensor2D, opts: ForwardOptions, wantCache: boolean): ForwardResult {
    const pass = new ForwardPass(this, this.patches, ids, opts, wantCache);
    const from = opts.resume;
    let x = from ? this.finishBlock(pass, from) : pass.embed(); // [N, d]
    for (let l = from ? from.layer + 1 : 0; l < this.config.nLayers; l++) x = this.block(pass, l, x);
    return pass.unembed(x);
  }

  /** Block l: attention, then MLP, each added to the residual stream x [N, d] (one native kernel in a pass without gradients or hooks). */
  private block(pass: ForwardPass, l: number, x: tf.Tensor2D): tf.Tensor2D {
    return pass.inferenceBlock(l, x) ?? this.mlpHalf(pass, l, this.attentionHalf(pass, l, x));
  }

  /** resid_pre → resid_mid of block l. */
  private attentionHalf(pass: ForwardPass, l: number, x: tf.Tensor2D): tf.Tensor2D {
    x = pass.resid(hookName.residPre(l), x);
    return pass.resid(hookName.residMid(l), tf.add(x, pass.attention(l, x)));
  }

  /** resid_mid → resid_post of block l (from its MLP activation `post` when a resumed pass has it). */
  private mlpHalf(pass: ForwardPass, l: number, x: tf.Tensor2D, post?: tf.Tensor2D): tf.Tensor2D {
    return pass.resid(hookName.residPost(l), tf.add(x, post ? pass.mlpOut(l, post) : pass.mlp(l, x)));
  }

  /** The activations at `point`: the same steps as `run` up to there (so a resumed pass is bit-identical). */
  private prefix(ids: tf.Tensor2D, point: ResumePoint): PrefixState {
    const [x, post] = tf.tidy(() => {
      const pass = new ForwardPass(this, this.patches, ids, {}, false);
      let x = pass.embed();
      for (let l = 0; l < point.layer; l++) x = this.block(pass, l, x);
      if (point.at === 'resid_pre') return [x];
      x = this.attentionHalf(pass, point.layer, x);
      return point.at === 'resid_mid' ? [x] : [x, pass.mlpPost(point.layer, x)];
    });
    return { ...point, x: x as tf.Tensor2D, ...(post ? { post: post as tf.Tensor2D } : {}) };
  }

  /** The rest of the resumed block: from its state at the point to resid_post. */
  private finishBlock(pass: ForwardPass, s: PrefixState): tf.Tensor2D {
    if (this.patches.size) throw new ModelConfigError('a forward pass resumed from a frozen prefix cannot run with patches installed');
    if (s.at === 'mlp_post' && !s.post) throw new ModelConfigError("a forward pass resumed at 'mlp_post' needs the MLP activation (PrefixState.post)");
    const x = s.at === 'resid_pre' ? this.attentionHalf(pass, s.layer, s.x) : s.x;
    return this.mlpHalf(pass, s.layer, x, s.at === 'mlp_post' ? s.post : undefined);
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
