// One optimisation phase of a gradient editing method, on the engine's one training loop (train/loop.ts),
// with the checks every method here shares: a non-finite loss or a non-finite trained weight throws
// MethodDivergedError (the caller restores the model). runPhase trains one objective (descent or ascent
// on the NLL of one set of examples); runJointPhase trains ForGet-u's L = −α·NLL(old) + NLL(new).
import type { Tokenizer } from '../../model/tokenizer';
import type { Transformer } from '../../model/transformer';
import { encodePairs, type TokenExample } from '../../train/batch';
import { trainLoop, type Divergence, type LoopOptions, type Projection } from '../../train/loop';
import { ascent, gradDiff, nll, type Objective } from '../../train/objective';
import { OPTIMIZERS, type OptimizerKind } from '../../train/optimizer';
import { exampleStream, fixedStream, type BatchStream } from '../../train/streams';
import type { EditRequest } from '../editor';
import { MethodDivergedError, MethodInputError } from './errors';

export { OPTIMIZERS, type OptimizerKind };

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
  /** Early stopping: descent stops once the NLL is below this, ascent once it is above (0 = never). */
  readonly stopAtLoss?: number;
}

/** A method phase on the loop: its parameters, optimizer, steps, and divergence as MethodDivergedError. */
export function methodPhase(
  model: Transformer,
  streams: Record<string, BatchStream>,
  objective: Objective,
  o: Omit<PhaseOptions, 'ascent' | 'stopAtLoss' | 'seed'>,
  extra: Partial<LoopOptions>,
  lossPart: string | undefined,
): Readonly<Record<string, number[]>> {
  const onDiverged = (d: Divergence): Error =>
    d.weight !== undefined
      ? new MethodDivergedError(o.method, `${o.phase} (weight ${d.weight})`, d.step, d.value)
      : new MethodDivergedError(o.method, o.phase, d.step, lossPart !== undefined ? d.log!.parts[lossPart]! : d.value);
  return trainLoop(model, streams, objective, {
    params: o.params,
    optimizer: o.optimizer,
    lr: o.lr,
    steps: o.steps,
    ...(o.project ? { project: o.project } : {}),
    ...extra,
    onDiverged,
  }).parts;
}

/** Run one phase; returns the NLL of each step (before its update). steps = 0 does nothing. */
export function runPhase(model: Transformer, examples: readonly TokenExample[], o: PhaseOptions): number[] {
  if (o.steps === 0) return [];
  const stream = exampleStream(examples, { seed: o.seed, vocabSize: model.config.vocabSize });
  const stop = o.stopAtLoss !== undefined && o.stopAtLoss > 0 ? { part: 'nll', ...(o.ascent ? { above: o.stopAtLoss } : { below: o.stopAtLoss }) } : undefined;
  const parts = methodPhase(model, { train: stream }, o.ascent ? ascent() : nll(), o, stop ? { stop } : {}, 'nll');
  return parts.nll ?? [];
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
  if (o.steps === 0) return { forget: [], learn: [] };
  const vocabSize = model.config.vocabSize;
  const streams = { forget: fixedStream(oldExamples, { vocabSize }), learn: fixedStream(newExamples, { vocabSize }) };
  const stop = o.stopAtLoss !== undefined && o.stopAtLoss > 0 ? { stop: { part: 'learn', below: o.stopAtLoss } } : {};
  const parts = methodPhase(model, streams, gradDiff({ ascend: 'forget', descend: 'learn', alpha: o.alpha }), o, stop, undefined);
  return { forget: parts.forget ?? [], learn: parts.learn ?? [] };
}
