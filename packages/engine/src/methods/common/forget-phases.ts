// ForGet's two phases at the editing location (§4.2, Fig. 3), exported so tests and scripts can run one
// at a time (e.g. check that the forget phase alone lowers P(old)).
//   forget (eq. 4–5): θ_f = GA(θ, K_old) — gradient ascent on L = −Σ_{i≥n} log p(x_i | x_<i, θ) over the
//     OLD target tokens after the prompt (the prompt tokens x_<n carry no loss).
//   learn  (eq. 6–7): θ' = GD(θ_f, K_new) — gradient descent on the same NLL of the NEW target. Eq. 6 is
//     printed with a + sign and "maximize"; read with eq. 4 ("the reversal of sign") it is the NLL that
//     descent minimises, i.e. log-likelihood of the new target is maximised.
// Only the located MLPs' parameters are trainable; everything else is frozen (the training loop gets their names).
import type { ModelConfig } from '../../model/config';
import { hashString } from '../../model/prng';
import type { Transformer } from '../../model/transformer';
import type { TokenExample } from '../../train/batch';
import type { EditRequest, MethodContext } from '../editor';
import { locatedLayers, mlpParamNames, type MlpMatrices } from './mlp';
import { runPhase, type OptimizerKind } from './phase';

/** Names of the trainable parameters: the located MLPs' (scope 'located') or every parameter (scope 'all'). */
export function editableParams(
  method: string,
  model: Transformer,
  request: EditRequest,
  p: Readonly<Record<string, unknown>>,
  ctx: MethodContext,
): { names: string[]; layers: number[] } {
  if (p.scope === 'all') return { names: [...model.params.keys()], layers: [] };
  const config: ModelConfig = model.config;
  const layers = locatedLayers(method, config, request, ctx, p.k as number, p.layers as number[]);
  return { names: layers.flatMap((l) => mlpParamNames(config, l, p.matrices as MlpMatrices)), layers };
}

/** The hyper-parameters of each phase: forget ascends (eq. 4–5), learn descends (eq. 6–7). */
const PHASES = {
  forget: { steps: 'forgetSteps', lr: 'forgetLr', stopAtLoss: 'forgetStopAtLoss', ascent: true },
  learn: { steps: 'learnSteps', lr: 'learnLr', stopAtLoss: 'learnStopAtLoss', ascent: false },
} as const;

/** One phase on the trainable parameters `names`: NLL of `examples`' targets, ascended or descended. */
export function forgetOrLearnPhase(
  phase: keyof typeof PHASES,
  method: string,
  model: Transformer,
  examples: readonly TokenExample[],
  names: readonly string[],
  p: Readonly<Record<string, unknown>>,
  seed: number,
): number[] {
  const k = PHASES[phase];
  return runPhase(model, examples, {
    method,
    phase,
    params: names,
    steps: p[k.steps] as number,
    lr: p[k.lr] as number,
    optimizer: p.optimizer as OptimizerKind,
    seed: hashString(phase, seed),
    ...(k.ascent ? { ascent: true } : {}),
    stopAtLoss: p[k.stopAtLoss] as number,
  });
}

/** Forget phase: gradient ascent on NLL(old | prompt) (eq. 4–5). */
export const forgetPhase = (...a: DropFirst<Parameters<typeof forgetOrLearnPhase>>): number[] => forgetOrLearnPhase('forget', ...a);

/** Learn phase: gradient descent on NLL(new | prompt) (eq. 6–7). */
export const learnPhase = (...a: DropFirst<Parameters<typeof forgetOrLearnPhase>>): number[] => forgetOrLearnPhase('learn', ...a);

type DropFirst<T extends readonly unknown[]> = T extends readonly [unknown, ...infer R] ? R : never;
