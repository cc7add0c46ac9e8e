// The narrow interface the forward pass calls at every hook point. hooks/run.ts implements it for
// caching, replacement and gradients; the model knows nothing else about hooks.
import type * as tf from '@tensorflow/tfjs';
import type { HookName } from './names';

export interface HookContext {
  /** Whether this run touches the point (opt-in activations such as attn.hook_result are computed only then). */
  has(name: HookName): boolean;
  /** Called by the model at every hook point with the activation; returns the activation to continue with. */
  point(name: HookName, x: tf.Tensor): tf.Tensor;
}
