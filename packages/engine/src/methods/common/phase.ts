// One optimisation phase of a gradient editing method, on the engine's train() loop (or, for a loss that
// mixes two facts, a loop of the same shape), with the checks every method here shares: a non-finite
// loss or a non-finite trained weight throws MethodDivergedError (the caller restores the model).
import * as tf from '@tensorflow/tfjs';
import { adam } from '../../kernels/adam';
import type { Tokenizer } from '../../model/tokenizer';
import type { Transformer } from '../../model/transformer';
import { disposeBatch, encodePairs, makeBatch, type TokenExample } from '../../train/batch';
import { nextTokenNll } from '../../train/loss';
import { train, type Projection } from '../../train/loop';
import type { EditRequest } from '../editor';
import { MethodDivergedError, MethodInputError } from './errors';

export type OptimizerKind = 'adam' | 'sgd';
export const OPTIMIZERS: readonly OptimizerKind[] = ['adam', 'sgd'];

/** The prompts a method trains on for a request: the rewrite prompt, then request.trainPrompts. */
export function trainPrompts(r: EditRequest): string[] {
  return [r.prompt, ...(r.trainPrompts ?? [])];
}

/** (prompt, target) examples, loss on the target tokens only (prompt masked; MEMIT tokenization). */
export function targetExamples(tok: Tokenizer, requests: readonly EditRequest[], which: 'new' | 'true', method: string): TokenExample[] {
  return encodePairs(
    tok,
    requests.flatMap((r, i) => {
      const target = which === 'new' ? r.targetNew : r.targetTrue;
      if (target === undefined || target.length === 0) {
        throw new MethodInputError(`${method}: request ${i} ('${r.prompt}') has no targetTrue: this method unlearns the old fact and needs it`);
      }
      return trainPrompts(r).map((prompt) => ({ prompt, target }));
    }),
  );
}

export interface PhaseOptions {
  readonly method: string;
  readonly phase: string;
  readonly params: readonly string[];
  readonly steps: number;
  readonly lr: number;
  readonly optimizer: OptimizerKind;
  readonly seed: number;
  /** Gradient ascent on the NLL (ForGet's forget phase, eq. 4–5). */
  readonly ascent?: boolean;
  readonly project?: Projection;
  /** Early stopping: descent stops once the NLL is below this, ascent once it is above. */
  readonly stopAtLoss?: number;
}

function checkFiniteWeights(model: Transformer, names: readonly string[], o: { method: string; phase: string }, step: number): void {
  for (const n of names) {
    const s = tf.tidy(() => tf.sum(model.param(n)).dataSync()[0]!);
    if (!Number.isFinite(s)) throw new MethodDivergedError(o.method, `${o.phase} (weight ${n})`, step, s);
  }
}

/** Run one phase; returns the NLL of each step (before its update). steps = 0 does nothing. */
export function runPhase(model: Transformer, examples: readonly TokenExample[], o: PhaseOptions): number[] {
  if (o.steps === 0) return [];
  const { losses } = train(model, examples, {
    params: o.params,
    optimizer: o.optimizer,
    lr: o.lr,
    steps: o.steps,
    seed: o.seed,
    ascent: o.ascent ?? false,
    ...(o.project ? { project: o.project } : {}),
    ...(o.stopAtLoss !== undefined && o.stopAtLoss > 0 ? { stopAtLoss: o.stopAtLoss } : {}),
    onStep: ({ step, loss }) => {
      if (!Number.isFinite(loss)) throw new MethodDivergedError(o.method, o.phase, step, loss);
    },
  });
  checkFiniteWeights(model, o.params, o, losses.length);
  return losses;
}

export interface JointOptions extends Omit<PhaseOptions, 'ascent' | 'project'> {
  /** Weight α of the ascent term: L = −α·NLL(old) + NLL(new). */
  readonly alpha: number;
}

/**
 * One phase on L = −α·NLL(old) + NLL(new) (ForGet-u: the two phases merged, paper §7 and App. B.2), full
 * batch of each fact every step. Stops early once NLL(new) < stopAtLoss. Returns both NLLs per step.
 */
export function runJointPhase(
  model: Transformer,
  oldExamples: readonly TokenExample[],
  newExamples: readonly TokenExample[],
  o: JointOptions,
): { forget: number[]; learn: number[] } {
  const forget: number[] = [];
  const learn: number[] = [];
  if (o.steps === 0) return { forget, learn };
  const vars = o.params.map((n) => model.param(n));
  const opt = o.optimizer === 'sgd' ? tf.train.sgd(o.lr) : adam(o.lr, 0.9, 0.999, 1e-8);
  const oldBatch = makeBatch(oldExamples, 0);
  const newBatch = makeBatch(newExamples, 0);
  try {
    for (let step = 0; step < o.steps; step++) {
      let parts: tf.Tensor[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const lo = nextTokenNll(model, oldBatch);
        const ln = nextTokenNll(model, newBatch);
        parts = [tf.keep(lo), tf.keep(ln)];
        return tf.sub(ln, tf.mul(lo, o.alpha)) as tf.Scalar;
      }, vars);
      const lo = parts[0]!.dataSync()[0]!;
      const ln = parts[1]!.dataSync()[0]!;
      const total = value.dataSync()[0]!;
      const gradList = vars.map((v) => grads[v.name]!);
      if (!Number.isFinite(total)) {
        tf.dispose([value, ...parts, ...gradList]);
        throw new MethodDivergedError(o.method, o.phase, step, total);
      }
      opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: gradList[i]! })));
      tf.dispose([value, ...parts, ...gradList]);
      forget.push(lo);
      learn.push(ln);
      if (o.stopAtLoss !== undefined && o.stopAtLoss > 0 && ln < o.stopAtLoss) break;
    }
  } finally {
    opt.dispose();
    disposeBatch(oldBatch);
    disposeBatch(newBatch);
  }
  checkFiniteWeights(model, o.params, o, forget.length);
  return { forget, learn };
}
