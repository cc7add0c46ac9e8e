// Persistent patches: functions applied at hook points in every forward pass of one model until undone.
// Edits that change the computation rather than the weights (a codebook at an MLP output, a side memory)
// install one and return its undo; scoring and generation then see the edit without knowing about it.
// Per-run hooks (hooks/run.ts) compose with patches: patches first, then the run's hooks.
import type * as tf from '@tensorflow/tfjs';
import type { HookContext } from './context';
import type { HookName } from './names';

/** What a patch may know about the forward pass it runs in, besides the activation. */
export interface PatchInfo {
  /**
   * [B, T] 1 for the real tokens of this call and 0 for (left) padding, from the pass's attentionMask (generation);
   * absent when the pass has none (scoring and training pad on the right, after every real token).
   */
  readonly realTokens?: tf.Tensor2D;
}

export type PatchFn = (activation: tf.Tensor, name: HookName, info: PatchInfo) => tf.Tensor;

export class PatchSet {
  private readonly patches: Array<{ readonly name: HookName; readonly fn: PatchFn }> = [];

  /** Install fn at a hook point; returns an idempotent undo. */
  add(name: HookName, fn: PatchFn): () => void {
    const entry = { name, fn };
    this.patches.push(entry);
    return () => {
      const i = this.patches.indexOf(entry);
      if (i >= 0) this.patches.splice(i, 1);
    };
  }

  get size(): number {
    return this.patches.length;
  }

  /** The hook context of one forward pass: the patches, then the run's own hooks. */
  context(run: HookContext | undefined, info: PatchInfo = {}): HookContext | undefined {
    if (this.patches.length === 0) return run;
    const active = this.patches.slice();
    return {
      has: (name) => active.some((p) => p.name === name) || (run?.has(name) ?? false),
      point: (name, x) => {
        let y = x;
        for (const p of active) if (p.name === name) y = p.fn(y, name, info);
        return run ? run.point(name, y) : y;
      },
    };
  }
}
