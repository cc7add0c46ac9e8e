// WISE's side memory (Wang et al. 2024, "WISE: Rethinking the Knowledge Memory for Lifelong Model Editing",
// §3.1–3.3; EasyEdit models/wise/WISE.py WISEAdapter, non-retrieve mode) at one layer's W_out:
//   - `side`: the merged side memory W′ (null: still equal to the main W);
//   - `shard`: the copy being edited now (new_weight; null: equal to W), trained under a random gradient
//     mask (knowledge sharding: a Bernoulli(mask_ratio) mask, drawn anew at the start of every shard);
//   - `memory`: finished shards waiting to be TIES-merged into `side` (every merge_freq edits);
//   - `minAct`: the smallest in-scope activation distance recorded after an edit; the routing threshold is
//     act_ratio·minAct.
// Routing (the adaptor's forward): Δ_X(x) = ‖act(x·W_X + b) − act(x·W + b)‖ averaged over tokens; if Δ of
// both the side memory and the shard is below the threshold the main W's output passes through (bit for
// bit), else the one with the larger Δ answers. The reference averages over every token it is given; here
// position t averages over the real tokens up to t, so a score never depends on later tokens or padding
// (docs/grace-wise.md "WISE").
// State objects are never mutated in place: an apply replaces them, and undo puts the old ones back.
import * as tf from '@tensorflow/tfjs';
import type { PatchInfo } from '../../hooks/patches';
import type { Transformer } from '../../model/transformer';
import { mlpActivation, patchMlpOutput } from '../common/mlp-adaptor';
import { tiesMerge } from './ties';

export interface WiseState {
  readonly side: Float32Array | null;
  readonly shard: Float32Array | null;
  readonly memory: readonly Float32Array[];
  readonly mask: Float32Array | null;
  readonly count: number;
  readonly minAct: number;
}

export const EMPTY_STATE: WiseState = { side: null, shard: null, memory: [], mask: null, count: 0, minAct: Infinity };

export interface MergeSettings {
  readonly saveFreq: number;
  readonly densities: number;
  readonly weights: number;
}

/**
 * The side memory after merging `shards` into `side` (WISEAdapter.merge_weight, non-retrieve): the first
 * merge gives each shard weight w/n; later ones give each new shard 0.4/n and the merged memory 0.6.
 */
export function mergeShards(base: Float32Array, side: Float32Array | null, shards: readonly Float32Array[], s: MergeSettings): Float32Array {
  if (shards.length === 0) return side ?? base;
  return side === null
    ? tiesMerge(base, shards, shards.map(() => s.weights / shards.length), s.densities)
    : tiesMerge(base, [...shards, side], [...shards.map(() => 0.4 / shards.length), 0.6], s.densities);
}

/**
 * What inference routes to: once save_freq edits were made, the shard in progress and the finished ones are
 * merged into the side memory (the reference does this at the first forward after editing, WISE.__call__),
 * here without changing the state, so evaluating never alters later edits.
 */
export function inferenceView(base: Float32Array, st: WiseState, s: MergeSettings): { side: Float32Array | null; shard: Float32Array | null } {
  const pending = [...st.memory, ...(st.shard ? [st.shard] : [])];
  if (st.count >= s.saveFreq && pending.length > 0) return { side: mergeShards(base, st.side, pending, s), shard: null };
  return { side: st.side, shard: st.shard };
}

/** What a training forward pass leaves for the losses: W_out's main and shard outputs, kept. */
export interface TrainingOutputs {
  main?: tf.Tensor3D;
  edited?: tf.Tensor3D;
}

export class WiseAdaptor {
  state: WiseState = EMPTY_STATE;
  /** Context templates (reference: generated once, at the first edit). */
  templates: readonly string[] | undefined;
  /** Set while wise.ts trains the shard: the adaptor then always answers with it and keeps both outputs. */
  training: { readonly shard: tf.Variable; readonly out: TrainingOutputs } | undefined;
  private side: tf.Tensor2D | undefined;
  private shard: tf.Tensor2D | undefined;
  private remove: (() => void) | undefined;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  readonly base: tf.Tensor2D;
  readonly baseData: Float32Array;
  private readonly bias: tf.Variable | undefined;

  constructor(
    private readonly model: Transformer,
    readonly layer: number,
    private readonly ratio: number,
  ) {
    this.act = mlpActivation(model);
    this.base = tf.keep(tf.clone(model.param(`blocks.${layer}.mlp.W_out`))) as tf.Tensor2D;
    this.baseData = (this.base.dataSync() as Float32Array).slice();
    this.bias = model.params.get(`blocks.${layer}.mlp.b_out`);
  }

  /** Route with this state's inference view (tensors rebuilt); `installed` tells whether the patches are on. */
  set(state: WiseState, merge: MergeSettings): void {
    this.state = state;
    const view = inferenceView(this.baseData, state, merge);
    for (const t of [this.side, this.shard]) t?.dispose();
    const [m, d] = this.base.shape;
    this.side = view.side ? tf.keep(tf.tensor2d(view.side, [m, d])) : undefined;
    this.shard = view.shard ? tf.keep(tf.tensor2d(view.shard, [m, d])) : undefined;
    this.remove ??= patchMlpOutput(this.model, this.layer, (out, key, info) => this.forward(out, key, info));
  }

  /** Remove the patches and free the tensors. */
  dispose(): void {
    this.remove?.();
    this.remove = undefined;
    for (const t of [this.side, this.shard, this.base]) t?.dispose();
  }

  /** x·W + b for keys [B, T, m]. */
  private project(key: tf.Tensor3D, w: tf.Tensor2D): tf.Tensor3D {
    const [B, T, m] = key.shape;
    const y = tf.matMul(tf.reshape(key, [B * T, m]) as tf.Tensor2D, w);
    return tf.reshape(this.bias ? tf.add(y, this.bias) : y, [B, T, w.shape[1]]) as tf.Tensor3D;
  }

  /**
   * ‖act(a) − act(b)‖ per position, [B, T]. Its gradient is 0 where a = b (as torch.norm's, the reference's),
   * not sqrt's 0/0: the first step starts from W′ = W.
   */
  distance(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor2D {
    return tf.sqrt(tf.maximum(tf.sum(tf.square(tf.sub(this.act(a), this.act(b))), -1), 1e-30)) as tf.Tensor2D;
  }

  private forward(out: tf.Tensor3D, key: tf.Tensor3D, info: PatchInfo): tf.Tensor {
    const tr = this.training;
    if (tr) {
      const edited = this.project(key, tr.shard as tf.Tensor as tf.Tensor2D);
      tr.out.main = tf.keep(out);
      tr.out.edited = tf.keep(edited);
      return edited;
    }
    const best = this.best(out, key, info);
    if (!best) return out;
    const [B, T, d] = out.shape;
    const routed = tf.broadcastTo(tf.reshape(tf.greaterEqual(best.score, this.threshold), [B, T, 1]), [B, T, d]);
    return tf.where(routed, best.y, out);
  }

  /** The routing threshold: act_ratio × the smallest in-scope distance recorded (∞ before any edit). */
  get threshold(): number {
    return this.state.minAct * this.ratio;
  }

  /**
   * The memory with the larger score at each position (side memory or shard) and that score [B, T]: the mean
   * Δ over the real tokens up to the position. Undefined while both equal the main W. The position routes to
   * it iff score ≥ threshold.
   */
  best(out: tf.Tensor3D, key: tf.Tensor3D, info: PatchInfo = {}): { y: tf.Tensor3D; score: tf.Tensor2D } | undefined {
    const [B, T, d] = out.shape;
    const real = info.realTokens ? tf.cast(info.realTokens, 'float32') : tf.ones([B, T]);
    const prefixMean = (delta: tf.Tensor2D) => tf.div(tf.cumsum(tf.mul(delta, real), 1), tf.maximum(tf.cumsum(real, 1), 1)) as tf.Tensor2D;
    const cand = [this.side, this.shard]
      .filter((w): w is tf.Tensor2D => w !== undefined)
      .map((w) => {
        const y = this.project(key, w);
        return { y, score: prefixMean(this.distance(y, out)) };
      });
    if (cand.length < 2) return cand[0];
    const [s, c] = cand as [(typeof cand)[0], (typeof cand)[0]];
    const sideWins = tf.broadcastTo(tf.reshape(tf.greater(s.score, c.score), [B, T, 1]), [B, T, d]);
    return { y: tf.where(sideWins, s.y, c.y) as tf.Tensor3D, score: tf.maximum(s.score, c.score) as tf.Tensor2D };
  }
}
