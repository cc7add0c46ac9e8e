// The training loop: next-token NLL on target tokens, Adam or SGD over an explicit subset of parameters,
// descent or ascent, optional projection after every step, gradient clipping, warmup + cosine schedule,
// early stopping, a progress callback. Deterministic for a seed (the data order comes from a seeded Rng).
import * as tf from '@tensorflow/tfjs';
import { adam } from '../kernels/adam';
import { ModelConfigError } from '../model/errors';
import { Rng } from '../model/prng';
import type { Transformer } from '../model/transformer';
import { checkIds } from '../score/pack';
import { disposeBatch, makeBatch, type TokenExample } from './batch';
import { nextTokenNll } from './loss';
import { lrAt, type LrSchedule } from './schedule';

/** Maps a trained parameter's new value (and its value before training) to its projected value. */
export type Projection = (name: string, value: tf.Tensor, initial: tf.Tensor) => tf.Tensor;

export interface StepInfo {
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
}

export interface TrainOptions {
  /** Parameter names to train (canonical names, e.g. 'blocks.1.mlp.W_out'); default: all. */
  readonly params?: readonly string[];
  readonly optimizer?: 'adam' | 'sgd';
  /** Peak learning rate. */
  readonly lr: number;
  readonly schedule?: LrSchedule;
  /** Number of optimizer steps (default: epochs × ⌈examples / batchSize⌉). */
  readonly steps?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  /** Seed of the shuffling Rng. */
  readonly seed: number;
  /** Shuffle the examples every epoch (default true). */
  readonly shuffle?: boolean;
  /** Gradient ascent on the NLL (unlearning baselines) instead of descent. */
  readonly ascent?: boolean;
  /** Clip the global gradient norm to this value (Pascanu et al. 2013). */
  readonly clipNorm?: number;
  readonly project?: Projection;
  /** Stop once a step's loss is below this (descent) or above it (ascent). */
  readonly stopAtLoss?: number;
  /** Stop after this many steps without the best loss improving by minDelta. */
  readonly patience?: number;
  readonly minDelta?: number;
  readonly adamBetas?: readonly [number, number];
  readonly onStep?: (info: StepInfo) => void;
}

export interface TrainResult {
  /** NLL of each step's batch, before that step's update. */
  readonly losses: number[];
  readonly stoppedBy?: 'loss' | 'patience';
}

/** Clamp every trained parameter to W₀ ± ε (e.g. the constrained fine-tuning of Zhu et al. 2020). */
export function clampToInitial(eps: number): Projection {
  return (_name, value, initial) => tf.clipByValue(tf.sub(value, initial), -eps, eps).add(initial);
}

/** g ← g · min(1, c/‖g‖₂) over all gradients together. */
function clipGlobalNorm(grads: tf.Tensor[], clip: number): tf.Tensor[] {
  return tf.tidy(() => {
    const norm = Math.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]!);
    return norm <= clip ? grads.map((g) => tf.clone(g)) : grads.map((g) => tf.mul(g, clip / norm));
  });
}

function makeOptimizer(kind: 'adam' | 'sgd', lr: number, betas: readonly [number, number]): { opt: tf.Optimizer; setLr: (lr: number) => void } {
  if (kind === 'sgd') {
    const opt = tf.train.sgd(lr);
    return { opt, setLr: (v) => opt.setLearningRate(v) };
  }
  const opt = adam(lr, betas[0], betas[1], 1e-8);
  // tfjs keeps Adam's rate in a protected field; the schedule writes it before each step.
  const state = opt as unknown as { learningRate: number };
  return { opt, setLr: (v) => { state.learningRate = v; } };
}

/** Endless stream of batches: epoch after epoch, each shuffled by the seeded Rng. */
function* batches(examples: readonly TokenExample[], batchSize: number, rng: Rng, shuffle: boolean): Generator<TokenExample[]> {
  for (;;) {
    const order = shuffle ? rng.shuffle(examples) : examples.slice();
    for (let i = 0; i < order.length; i += batchSize) yield order.slice(i, i + batchSize);
  }
}

export function train(model: Transformer, examples: readonly TokenExample[], o: TrainOptions): TrainResult {
  if (examples.length === 0) throw new ModelConfigError('train: no examples');
  checkIds(examples.map((e) => e.ids), model.config.vocabSize, 'training example');
  if (!(o.lr > 0)) throw new ModelConfigError(`train: lr must be positive, got ${o.lr}`);
  const names = o.params ?? [...model.params.keys()];
  const vars = names.map((n) => model.param(n));
  const batchSize = Math.min(o.batchSize ?? examples.length, examples.length);
  const steps = o.steps ?? (o.epochs ?? 1) * Math.ceil(examples.length / batchSize);
  const sign = o.ascent ? -1 : 1;
  const { opt, setLr } = makeOptimizer(o.optimizer ?? 'adam', o.lr, o.adamBetas ?? [0.9, 0.999]);
  const initial = o.project ? vars.map((v) => tf.clone(v)) : [];
  const stream = batches(examples, batchSize, new Rng(o.seed), o.shuffle ?? true);
  const losses: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  let sinceBest = 0;
  let stoppedBy: TrainResult['stoppedBy'];
  try {
    for (let step = 0; step < steps; step++) {
      const lr = lrAt(o.lr, step, steps, o.schedule);
      setLr(lr);
      const batch = makeBatch(stream.next().value as TokenExample[], 0);
      const { value, grads } = tf.variableGrads(() => tf.mul(nextTokenNll(model, batch), sign) as tf.Scalar, vars);
      const gradList = vars.map((v) => grads[v.name]!);
      const clipped = o.clipNorm ? clipGlobalNorm(gradList, o.clipNorm) : gradList;
      opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: clipped[i]! })));
      if (o.project) {
        vars.forEach((v, i) => tf.tidy(() => v.assign(o.project!(names[i]!, v, initial[i]!))));
      }
      const loss = sign * value.dataSync()[0]!;
      tf.dispose([value, ...gradList, ...(o.clipNorm ? clipped : [])]);
      disposeBatch(batch);
      losses.push(loss);
      o.onStep?.({ step, loss, lr });
      const signed = sign * loss;
      if (signed < best - (o.minDelta ?? 0)) {
        best = signed;
        sinceBest = 0;
      } else sinceBest++;
      if (o.stopAtLoss !== undefined && sign * loss < sign * o.stopAtLoss) {
        stoppedBy = 'loss';
        break;
      }
      if (o.patience !== undefined && sinceBest >= o.patience) {
        stoppedBy = 'patience';
        break;
      }
    }
  } finally {
    opt.dispose();
    tf.dispose(initial);
  }
  return { losses, stoppedBy };
}
