// The ForGet family's hyper-parameters (Li et al., "Forget for Get", §4.2 and App. B.2), shared by forget,
// forget-u and forget-pa, and the rule the paper states for them: "we always ensure that the process of
// forgetting is weaker than the process of learning, which is reflected in the number of iterations and
// the learning rate" (App. B.2).
import type { ModelShape, ParamProblem } from '../editor';
import { LOCATE_GROUP } from './locate-stage';
import { MLP_MATRICES, type MlpMatrices } from './mlp';
import { bool, int, layerList, num, oneOf } from './params';
import { forgetRule, sourced, TUNED_FORGET } from './defaults';
import { OPTIMIZERS, type OptimizerKind } from './phase';
import { layerProblems } from './shape';

export type Scope = 'located' | 'all';

/** Where a ForGet-family method edits (Table 2's location ablations), and how it locates (`locate`). */
export const LOCATION_PROPERTIES = {
  k: sourced(int(2, 'number of top-degree MLPs of the knowledge circuit to edit (paper: k=2 on Qwen2-7b — the Table 2 main row —, k=1 on Llama-2-7b; Table 2 ablates 1/2/3)', { min: 1, max: 64 }),
    { source: 'paper', ref: 'ForGet App. B.2: k = 1 on Llama-2-7b, k = 2 on Qwen2-7b (the default: the Qwen2 column, Table 2\'s main row)', rule: forgetRule(1, 2) }),
  layers: layerList('explicit MLP layers to edit, overriding the location (empty = use the locate stage)'),
  scope: oneOf<Scope>(['located', 'all'], 'located', "'located': only the located MLPs are trainable; 'all': the whole model (Table 2 'ForGet (forget+learn)')"),
  matrices: oneOf<MlpMatrices>(MLP_MATRICES, 'all', "which parameters of a located MLP train: 'all' (GPT-2 W_in, b_in, W_out, b_out; Llama W_gate, W_in, W_out) or 'out' (W_out [+ b_out])"),
  locate: LOCATE_GROUP,
};

/** The learn phase (eq. 6–7), shared by forget, forget-pa. */
export const LEARN_PROPERTIES = {
  learnSteps: sourced(int(20, 'maximum gradient-descent steps on the new fact (eq. 6–7)', { min: 0, max: 1000 }), TUNED_FORGET),
  learnLr: sourced(num(5e-4, 'learning rate of the learn phase', { exclusiveMin: 0, max: 1 }), TUNED_FORGET),
  learnStopAtLoss: sourced(num(0.05, 'early stopping of the learn phase: stop once NLL(new) is below this (0 = never)', { min: 0 }), TUNED_FORGET),
  optimizer: oneOf<OptimizerKind>(OPTIMIZERS, 'adam', 'optimizer of every phase'),
};

export const FORGET_PROPERTIES = {
  ...LOCATION_PROPERTIES,
  forget: bool(true, "run the forget phase (false = Table 2's learn-only ablation 'ForGet (2MLP learn)')"),
  forgetSteps: sourced(int(5, 'gradient-ascent steps on the old fact (eq. 4–5); must not exceed learnSteps', { min: 0, max: 1000 }), TUNED_FORGET),
  forgetLr: sourced(num(2.5e-4, 'learning rate of the forget phase; must not exceed learnLr', { exclusiveMin: 0, max: 1 }), TUNED_FORGET),
  forgetStopAtLoss: num(0, 'early stopping of the forget phase: stop once NLL(old) is above this (0 = never)', { min: 0 }),
  ...LEARN_PROPERTIES,
};

/** Explicit `layers` the model lacks. */
export function locationProblems(p: { readonly layers: readonly number[] }, shape: ModelShape): ParamProblem[] {
  return layerProblems('layers', p.layers, shape);
}

/**
 * The paper's rule: forgetting weaker than learning in iterations and learning rate. Accepted: neither
 * forgetSteps > learnSteps nor forgetLr > learnLr, and at least one of the two strictly smaller (equal
 * steps and equal lr would make the phases equally strong). Only checked when the forget phase runs.
 */
export function forgetWeakerProblems(p: { forget: boolean; forgetSteps: number; learnSteps: number; forgetLr: number; learnLr: number }): ParamProblem[] {
  if (!p.forget) return [];
  const { forgetSteps: fs, learnSteps: ls, forgetLr: fl, learnLr: ll } = p;
  const [param, why] =
    fs > ls ? ['forgetSteps', `forgetSteps ${fs} > learnSteps ${ls}`]
    : fl > ll ? ['forgetLr', `forgetLr ${fl} > learnLr ${ll}`]
    : fs === ls && fl === ll ? ['forgetSteps', `forgetSteps = learnSteps = ${fs} and forgetLr = learnLr = ${fl}`]
    : ['', undefined];
  if (!why) return [];
  return [{
    param,
    message: 'the forget phase must be weaker than the learn phase (ForGet App. B.2: fewer iterations and/or a smaller learning rate, ' +
      `neither larger), but ${why}; lower forgetSteps/forgetLr or raise learnSteps/learnLr (or set forget: false)`,
  }];
}
