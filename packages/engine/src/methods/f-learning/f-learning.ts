// F-Learning (Ni et al., ACL 2024, "Forgetting before Learning: Utilizing Parametric Arithmetic for
// Knowledge Updating in Large Language Models"; ForGet's Table 3 baseline "F-L"): no localisation.
//   θ_Δ^old = FT(θ, K_old) − θ;  θ' = θ − λ·θ_Δ^old;  θ* = FT(θ', K_new).
// Parameter set: F-Learning's main variant is full fine-tuning (all parameters; its other variant
// subtracts a LoRA delta, which this engine has no adapter for), so scope 'all' is the default; scope
// 'mlp' (every layer's MLP) is offered as a cheaper, partly localised alternative.
// Batches: F-Learning fine-tunes on a set of updates, so any number of requests share one apply().
import { hashString } from '../../model/prng';
import { arithmeticForget } from '../common/arithmetic';
import { defineMethod } from '../common/define';
import { mlpParamNames } from '../common/mlp';
import { int, num, oneOf } from '../common/params';
import { sourced, TUNED_FORGET } from '../common/defaults';
import { OPTIMIZERS, runPhase, targetExamples, type OptimizerKind } from '../common/phase';

export const fLearning = defineMethod({
  id: 'f-learning',
  version: '1',
  description: 'F-Learning: fine-tune on the old fact, subtract λ·Δ_old from the original weights, then fine-tune on the new fact; no localisation (Ni et al. 2024)',
  properties: {
    scope: oneOf<'all' | 'mlp'>(['all', 'mlp'], 'all', "'all': every parameter (F-Learning's full fine-tuning); 'mlp': every layer's MLP"),
    forgetSteps: sourced(int(10, 'fine-tuning steps on the old fact that define Δ_old (fixed budget: no early stop)', { min: 1, max: 1000 }), TUNED_FORGET),
    forgetLr: sourced(num(1e-4, 'learning rate of the old-fact fine-tune', { exclusiveMin: 0, max: 1 }), TUNED_FORGET),
    lambda: sourced(num(1, 'λ: θ\' = θ − λ·θ_Δ^old', { min: 0, max: 10 }), TUNED_FORGET),
    learnSteps: sourced(int(20, 'maximum fine-tuning steps on the new fact', { min: 0, max: 1000 }), TUNED_FORGET),
    learnLr: sourced(num(1e-4, 'learning rate of the new-fact fine-tune', { exclusiveMin: 0, max: 1 }), TUNED_FORGET),
    learnStopAtLoss: sourced(num(0.05, 'early stopping: stop once NLL(new) is below this (0 = never)', { min: 0 }), TUNED_FORGET),
    optimizer: oneOf<OptimizerKind>(OPTIMIZERS, 'adam', 'optimizer of both fine-tunes'),
  },
  edit(model, requests, p, ctx) {
    const lm = model.transformer;
    const names = p.scope === 'all' ? [...lm.params.keys()] : Array.from({ length: lm.config.nLayers }, (_, l) => mlpParamNames(lm.config, l)).flat();
    const oldEx = targetExamples(model.tokenizer, requests, 'true', 'f-learning');
    const newEx = targetExamples(model.tokenizer, requests, 'new', 'f-learning');
    const snap = ctx.snapshot(names);
    return {
      forget: arithmeticForget(lm, snap, oldEx, {
        method: 'f-learning', names, steps: p.forgetSteps, lr: p.forgetLr, lambda: p.lambda, optimizer: p.optimizer, seed: hashString('forget', ctx.seed),
      }),
      learn: runPhase(lm, newEx, {
        method: 'f-learning', phase: 'learn', params: names, steps: p.learnSteps, lr: p.learnLr,
        optimizer: p.optimizer, seed: hashString('learn', ctx.seed), stopAtLoss: p.learnStopAtLoss,
      }),
    };
  },
});
