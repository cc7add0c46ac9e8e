// The frozen prefix of a training phase (issue 18, docs/engine-speed.md "Frozen prefix"). When a phase trains
// only some blocks' weights (FT: one MLP's W_out), every activation before the first trained weight is the
// same at every step for the same batch: the embedding, the earlier blocks, and within the first trained
// block its attention (and, for W_out alone, the MLP's hidden activation). The training loop asks the model
// to remember them per batch (Transformer.freezePrefix) and each later step resumes the forward pass there.
// The resumed pass runs the same kernels on the same inputs from that point on, so losses, gradients and
// trained weights are bit-identical to the full pass (train/prefix.spec.ts); only the repeated prefix is
// not recomputed. The backward pass is unchanged: tfjs already skips the ops no trained weight reaches.
import * as tf from '@tensorflow/tfjs';

/** Where in block `layer` a resumed pass starts: before its attention, before its MLP, or at W_out's input. */
export interface ResumePoint {
  readonly layer: number;
  readonly at: 'resid_pre' | 'resid_mid' | 'mlp_post';
}

/** The activations a resumed pass starts from: the residual stream x [N, d] at the point (at mlp_post: resid_mid),
 *  and at mlp_post also the MLP's hidden activation post [N, m]. */
export interface PrefixState extends ResumePoint {
  readonly x: tf.Tensor2D;
  readonly post?: tf.Tensor2D;
}

const STAGES: ReadonlyArray<ResumePoint['at']> = ['resid_pre', 'resid_mid', 'mlp_post'];

/** The stage of block l at which a trained parameter is first read, or undefined for a parameter outside the blocks. */
function stageOf(name: string): { layer: number; stage: number } | undefined {
  const m = /^blocks\.(\d+)\.(ln1|attn|ln2|mlp)\.(\w+)$/.exec(name);
  if (!m) return undefined; // embed.*, pos_embed.*, ln_final.*, unembed.*: read before block 0 or by the unembedding
  const layer = Number(m[1]);
  if (m[2] === 'ln1' || m[2] === 'attn') return { layer, stage: 0 };
  if (m[2] === 'mlp' && (m[3] === 'W_out' || m[3] === 'b_out')) return { layer, stage: 2 };
  return { layer, stage: 1 }; // ln2, W_in, W_gate, b_in
}

/**
 * The latest point before which no trained parameter is read, or undefined when resuming would save nothing
 * (a parameter outside the blocks is trained, or the first one is block 0's attention).
 */
export function resumePoint(trained: readonly string[]): ResumePoint | undefined {
  let best: { layer: number; stage: number } | undefined;
  for (const n of trained) {
    const s = stageOf(n);
    if (!s) return undefined;
    if (!best || s.layer < best.layer || (s.layer === best.layer && s.stage < best.stage)) best = s;
  }
  if (!best || (best.layer === 0 && best.stage === 0)) return undefined;
  return { layer: best.layer, at: STAGES[best.stage]! };
}

/** At most this many batches are remembered per phase; later new batches run the full pass. */
const MAX_BATCHES = 32;

/** The remembered prefix states of one phase, keyed by the batch's token ids. */
export class PrefixMemo {
  private readonly states = new Map<string, PrefixState>();
  /** Passes that resumed from a remembered state (tests read it). */
  hits = 0;

  constructor(readonly point: ResumePoint) {}

  /** The state for these ids: remembered, else computed by `compute` and kept (undefined once the memo is full). */
  get(ids: tf.Tensor2D, compute: () => PrefixState): PrefixState | undefined {
    const key = `${ids.shape.join('x')}:${(ids.dataSync() as Int32Array).join(',')}`;
    const known = this.states.get(key);
    if (known) {
      this.hits++;
      return known;
    }
    if (this.states.size >= MAX_BATCHES) return undefined;
    const s = compute();
    tf.keep(s.x);
    if (s.post) tf.keep(s.post);
    this.states.set(key, s);
    return s;
  }

  dispose(): void {
    for (const s of this.states.values()) tf.dispose(s.post ? [s.x, s.post] : [s.x]);
    this.states.clear();
  }
}
