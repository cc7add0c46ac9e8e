// Persistent patches: functions applied at hook points in every forward pass of one model until undone.
// Edits that change the computation rather than the weights (a codebook at an MLP output, a side memory)
// install one and return its undo; scoring and generation then see the edit without knowing about it.
// Per-run hooks (hooks/run.ts) compose with patches: patches first, then the run's hooks.
import type * as tf from '@tensorflow/tfjs';
import type { HookContext } from './context';
import type { HookName } from './names';

export type PatchFn = (activation: tf.Tensor, name: HookName) => tf.Tensor;

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
  context(run: HookContext | undefined): HookContext | undefined {
    if (this.patches.length === 0) return run;
    const active = this.patches.slice();
    return {
      has: (name) => active.some((p) => p.name === name) || (run?.has(name) ?? false),
      point: (name, x) => {
        let y = x;
        for (const p of active) if (p.name === name) y = p.fn(y, name);
        return run ? run.point(name, y) : y;
      },
    };
  }
}
