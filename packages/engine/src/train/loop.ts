// The training loop of the engine: every gradient method, fine-tune and the pretraining of the default
// models runs through trainLoop. One step:
//   lr ← schedule(step);  batches ← next batch of every stream;  reference outputs (if the objective
//   needs them);  L, ∇L ← objective;  non-finite L → divergence;  clip ∇ by global norm;  optimizer
//   step (fused Adam or SGD);  projection (e.g. FT-c's L∞ ball);  log L and its parts;  stop rules.
// After the last step every trained weight is checked finite. Deterministic for a seed: the data order
// comes from the streams' seeded Rngs (streams.ts), nothing else is random.
import * as tf from '@tensorflow/tfjs';
import { EngineModelError, ModelConfigError } from '../model/errors';
import type { Transformer } from '../model/transformer';
import type { TokenExample } from './batch';
import { clipGlobalNorm } from './clip';
import type { LanguageModel } from './loss';
import { ascent, nll, type Objective } from './objective';
import { makeOptimizer, setLearningRate, type AdamOptions, type OptimizerKind } from './optimizer';
import { ReferenceCache } from './reference';
import { TrainingInterruptedError, trainingInterrupted } from './interrupt';
import { lrAt, type LrSchedule } from './schedule';
import { exampleStream, epochSteps, type BatchStream } from './streams';

/** What the loop trains: named variables and a forward pass. */
export interface TrainableModel extends LanguageModel {
  readonly params: ReadonlyMap<string, tf.Variable>;
}

/** Maps a trained parameter's new value (and its value when this trainLoop call began) to its projected value. */
export type Projection = (name: string, value: tf.Tensor, initial: tf.Tensor) => tf.Tensor;

/** Clamp every trained parameter to W₀ ± ε (the constrained fine-tuning of Zhu et al. 2020). */
export function clampToInitial(eps: number): Projection {
  return (_name, value, initial) => tf.clipByValue(tf.sub(value, initial), -eps, eps).add(initial);
}

/** One step's record: the objective's value, its named parts, the learning rate used. */
export interface StepLog {
  readonly step: number;
  readonly lr: number;
  readonly loss: number;
  readonly parts: Readonly<Record<string, number>>;
}

/** A non-finite loss (at `step`, before its update) or a non-finite trained weight after the run. */
export interface Divergence {
  readonly step: number;
  readonly value: number;
  /** The weight found non-finite; absent for a non-finite loss. */
  readonly weight?: string;
  /** The step's log (a non-finite loss). */
  readonly log?: StepLog;
}

export class TrainingDivergedError extends EngineModelError {
  readonly step: number;
  constructor(d: Divergence) {
    super('TRAINING_DIVERGED', `training diverged at step ${d.step}: ${d.weight ? `weight ${d.weight} sums to` : 'loss'} ${d.value}`);
    this.step = d.step;
  }
}

/** Early stop after a step whose logged value `part` (default: the loss) is below `below` or above `above`. */
export interface StopRule {
  readonly part?: string;
  readonly below?: number;
  readonly above?: number;
}

export interface LoopOptions<M extends TrainableModel = TrainableModel> {
  /** Parameter names to train (e.g. 'blocks.1.mlp.W_out'); default: all. */
  readonly params?: readonly string[];
  /** 'adam' (the engine's fused kernel) or 'sgd'; or an optimizer the caller owns (e.g. restored state). */
  readonly optimizer?: OptimizerKind | tf.Optimizer;
  readonly adam?: AdamOptions;
  /** Peak learning rate. */
  readonly lr: number;
  readonly schedule?: LrSchedule;
  /** Total optimizer steps (the schedule's length). */
  readonly steps: number;
  /** First step to run (a resumed run; the schedule continues from it). Default 0. */
  readonly startStep?: number;
  /** Pause before this step (default `steps`): run steps [startStep, endStep) of the `steps`-long schedule. */
  readonly endStep?: number;
  /** Clip the global gradient norm to this value (absent or ≤ 0: no clipping). */
  readonly clipNorm?: number;
  readonly project?: Projection;
  readonly stop?: StopRule;
  /** Stop after this many steps without the loss improving on its best by minDelta. */
  readonly patience?: number;
  readonly minDelta?: number;
  /** Frozen reference model for objectives that declare `reference` streams (default: a copy of the initial weights). */
  readonly reference?: LanguageModel;
  /** Build the frozen copy of the initial weights when `reference` is absent and the objective needs one. */
  readonly snapshotReference?: (model: M) => LanguageModel & { dispose(): void };
  /** Called after every step; returning 'stop' ends the run. */
  readonly onStep?: (log: StepLog) => void | 'stop';
  /** The error to throw on divergence (default TrainingDivergedError). */
  readonly onDiverged?: (d: Divergence) => Error;
  /** Resume each step's forward pass after the activations no trained parameter reaches, remembered per batch
   *  (model/prefix.ts; bit-identical, default true). Only a model with `freezePrefix` (the Transformer) does. */
  readonly frozenPrefix?: boolean;
}

/** A model that can remember the frozen prefix of a phase (model/transformer.ts freezePrefix). */
interface PrefixFreezing {
  freezePrefix(trained: readonly string[]): (() => void) | undefined;
}

export interface LoopResult {
  /** The objective's value at each step, before that step's update. */
  readonly losses: number[];
  /** Each logged part per step. */
  readonly parts: Readonly<Record<string, number[]>>;
  readonly stoppedBy?: 'loss' | 'patience' | 'callback';
}

function stopped(rule: StopRule | undefined, log: StepLog): boolean {
  if (!rule) return false;
  const v = rule.part === undefined ? log.loss : log.parts[rule.part];
  if (v === undefined) throw new ModelConfigError(`train: stop rule reads part '${rule.part}', which the objective does not log`);
  return (rule.below !== undefined && v < rule.below) || (rule.above !== undefined && v > rule.above);
}

function firstNonFinite(model: TrainableModel, names: readonly string[]): { weight: string; value: number } | undefined {
  for (const n of names) {
    const value = tf.tidy(() => tf.sum(model.params.get(n)!).dataSync()[0]!);
    if (!Number.isFinite(value)) return { weight: n, value };
  }
  return undefined;
}

/** Train `model` in place on `objective` over the named streams (disposed at the end). */
export function trainLoop<M extends TrainableModel>(
  model: M,
  streams: Readonly<Record<string, BatchStream>>,
  objective: Objective<M>,
  o: LoopOptions<M>,
): LoopResult {
  const fail = o.onDiverged ?? ((d: Divergence) => new TrainingDivergedError(d));
  const own: Array<{ dispose(): void }> = Object.values(streams);
  const losses: number[] = [];
  const parts: Record<string, number[]> = {};
  let stoppedBy: LoopResult['stoppedBy'];
  try {
    if (!(o.lr > 0)) throw new ModelConfigError(`train: lr must be positive, got ${o.lr}`);
    const missing = objective.streams.filter((s) => !streams[s]);
    if (missing.length) throw new ModelConfigError(`train: the objective reads stream(s) ${missing.join(', ')}, not given (have: ${Object.keys(streams).join(', ')})`);
    const names = o.params ?? [...model.params.keys()];
    const vars = names.map((n) => {
      const v = model.params.get(n);
      if (!v) throw new ModelConfigError(`train: no parameter '${n}'`);
      return v;
    });
    if (o.frozenPrefix ?? true) {
      const release = (model as Partial<PrefixFreezing>).freezePrefix?.(names);
      if (release) own.push({ dispose: release });
    }
    const opt = typeof o.optimizer === 'object' ? o.optimizer : makeOptimizer(o.optimizer ?? 'adam', o.lr, o.adam);
    if (opt !== o.optimizer) own.push(opt);
    const initial = o.project ? vars.map((v) => tf.clone(v)) : [];
    own.push({ dispose: () => tf.dispose(initial) });
    let refs: ReferenceCache | undefined;
    if (objective.reference?.length) {
      let reference = o.reference;
      if (!reference) {
        if (!o.snapshotReference) throw new ModelConfigError('train: the objective needs a reference model: give `reference` or `snapshotReference`');
        const copy = o.snapshotReference(model);
        own.push(copy);
        reference = copy;
      }
      refs = new ReferenceCache(reference);
      own.push(refs);
    }
    let best = Number.POSITIVE_INFINITY;
    let sinceBest = 0;
    for (let step = o.startStep ?? 0; step < Math.min(o.endStep ?? o.steps, o.steps); step++) {
      if (trainingInterrupted()) throw new TrainingInterruptedError(step); // a cooperative cancellation check (./interrupt.ts)
      const lr = lrAt(o.lr, step, o.steps, o.schedule);
      setLearningRate(opt, lr);
      const batches = Object.fromEntries(objective.streams.map((s) => [s, streams[s]!.next()]));
      const reference = refs ? refs.step(batches, objective.reference!) : {};
      let kept: Record<string, tf.Scalar> = {};
      const { value, grads } = tf.variableGrads(() => {
        const out = objective.compute({ model, batches, reference });
        kept = Object.fromEntries(Object.entries(out.parts ?? {}).map(([k, t]) => [k, tf.keep(t)]));
        return out.loss;
      }, vars);
      const loss = value.dataSync()[0]!;
      const logParts = Object.fromEntries(Object.entries(kept).map(([k, t]) => [k, t.dataSync()[0]!]));
      const gradList: Array<tf.Tensor | undefined> = vars.map((v) => grads[v.name]);
      tf.dispose([value, ...Object.values(kept)]);
      const log: StepLog = { step, lr, loss, parts: logParts };
      if (!Number.isFinite(loss)) {
        tf.dispose(gradList.filter((g): g is tf.Tensor => g !== undefined));
        throw fail({ step, value: loss, log });
      }
      const clipped = clipGlobalNorm(gradList, o.clipNorm ?? 0);
      opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: clipped[i]! })));
      tf.dispose(clipped.filter((g): g is tf.Tensor => g !== undefined));
      if (o.project) vars.forEach((v, i) => tf.tidy(() => v.assign(o.project!(names[i]!, v, initial[i]!))));
      losses.push(loss);
      for (const [k, x] of Object.entries(logParts)) (parts[k] ??= []).push(x);
      if (o.onStep?.(log) === 'stop') {
        stoppedBy = 'callback';
        break;
      }
      if (loss < best - (o.minDelta ?? 0)) {
        best = loss;
        sinceBest = 0;
      } else sinceBest++;
      if (stopped(o.stop, log)) {
        stoppedBy = 'loss';
        break;
      }
      if (o.patience !== undefined && sinceBest >= o.patience) {
        stoppedBy = 'patience';
        break;
      }
    }
    const bad = firstNonFinite(model, names);
    if (bad) throw fail({ step: (o.startStep ?? 0) + losses.length, ...bad });
  } finally {
    own.forEach((x) => x.dispose());
  }
  return { losses, parts, ...(stoppedBy ? { stoppedBy } : {}) };
}

export interface TrainOptions {
  /** Parameter names to train (canonical names, e.g. 'blocks.1.mlp.W_out'); default: all. */
  readonly params?: readonly string[];
  readonly optimizer?: OptimizerKind;
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
  /** Stop once a step's NLL is below this (descent) or above it (ascent). */
  readonly stopAtLoss?: number;
  /** Stop after this many steps without the best loss improving by minDelta. */
  readonly patience?: number;
  readonly minDelta?: number;
  readonly adamBetas?: readonly [number, number];
  readonly onStep?: (info: StepInfo) => void;
  readonly onDiverged?: (d: Divergence) => Error;
}

export interface StepInfo {
  readonly step: number;
  /** The NLL of the step's batch, before its update. */
  readonly loss: number;
  readonly lr: number;
}

export interface TrainResult {
  /** NLL of each step's batch, before that step's update. */
  readonly losses: number[];
  readonly stoppedBy?: 'loss' | 'patience';
}

/** Fine-tune on one set of token examples (next-token NLL, descent or ascent): trainLoop on one stream. */
export function train(model: Transformer, examples: readonly TokenExample[], o: TrainOptions): TrainResult {
  if (examples.length === 0) throw new ModelConfigError('train: no examples');
  const stream = exampleStream(examples, { batchSize: o.batchSize, seed: o.seed, shuffle: o.shuffle, vocabSize: model.config.vocabSize });
  const stop = o.stopAtLoss === undefined ? undefined : { part: 'nll', ...(o.ascent ? { above: o.stopAtLoss } : { below: o.stopAtLoss }) };
  const r = trainLoop(model, { train: stream }, o.ascent ? ascent() : nll(), {
    lr: o.lr,
    steps: o.steps ?? epochSteps(examples.length, o.batchSize, o.epochs),
    ...(o.params ? { params: o.params } : {}),
    ...(o.optimizer ? { optimizer: o.optimizer } : {}),
    ...(o.adamBetas ? { adam: { betas: o.adamBetas } } : {}),
    ...(o.schedule ? { schedule: o.schedule } : {}),
    ...(o.clipNorm ? { clipNorm: o.clipNorm } : {}),
    ...(o.project ? { project: o.project } : {}),
    ...(stop ? { stop } : {}),
    ...(o.patience !== undefined ? { patience: o.patience, minDelta: o.minDelta ?? 0 } : {}),
    ...(o.onDiverged ? { onDiverged: o.onDiverged } : {}),
    onStep: o.onStep ? (l) => o.onStep!({ step: l.step, loss: l.parts.nll!, lr: l.lr }) : undefined,
  });
  const stoppedBy = r.stoppedBy === 'callback' ? undefined : r.stoppedBy;
  return { losses: r.parts.nll ?? [], ...(stoppedBy ? { stoppedBy } : {}) };
}
