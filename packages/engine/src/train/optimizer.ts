// The optimizers of the training loop: the engine's fused Adam (kernels/adam.ts, Kingma & Ba 2015) or
// plain SGD, with a learning rate the schedule sets before each step.
import * as tf from '@tensorflow/tfjs';
import { adam } from '../kernels/adam';

export type OptimizerKind = 'adam' | 'sgd';
export const OPTIMIZERS: readonly OptimizerKind[] = ['adam', 'sgd'];

export interface AdamOptions {
  /** (β₁, β₂), default (0.9, 0.999). */
  readonly betas?: readonly [number, number];
  /** ε, default 1e-8. */
  readonly epsilon?: number;
}

export function makeOptimizer(kind: OptimizerKind, lr: number, o: AdamOptions = {}): tf.Optimizer {
  if (kind === 'sgd') return tf.train.sgd(lr);
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  return adam(lr, b1, b2, o.epsilon ?? 1e-8);
}

/** Set an optimizer's learning rate for its next step (tfjs keeps Adam's in a protected field). */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr); // SGD keeps a scalar tensor of it
  else o.learningRate = lr;
}
