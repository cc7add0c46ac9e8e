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

/** Forget phase: gradient ascent on NLL(old | prompt) (eq. 4–5). */
export function forgetPhase(
  method: string,
  model: Transformer,
  oldExamples: readonly TokenExample[],
  names: readonly string[],
  p: Readonly<Record<string, unknown>>,
  seed: number,
): number[] {
  return runPhase(model, oldExamples, {
    method,
    phase: 'forget',
    params: names,
    steps: p.forgetSteps as number,
    lr: p.forgetLr as number,
    optimizer: p.optimizer as OptimizerKind,
    seed: hashString('forget', seed),
    ascent: true,
    stopAtLoss: p.forgetStopAtLoss as number,
  });
}

/** Learn phase: gradient descent on NLL(new | prompt) (eq. 6–7). */
export function learnPhase(
  method: string,
  model: Transformer,
  newExamples: readonly TokenExample[],
  names: readonly string[],
  p: Readonly<Record<string, unknown>>,
  seed: number,
): number[] {
  return runPhase(model, newExamples, {
    method,
    phase: 'learn',
    params: names,
    steps: p.learnSteps as number,
    lr: p.learnLr as number,
    optimizer: p.optimizer as OptimizerKind,
    seed: hashString('learn', seed),
    stopAtLoss: p.learnStopAtLoss as number,
  });
}
