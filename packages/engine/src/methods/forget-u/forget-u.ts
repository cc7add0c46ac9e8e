// ForGet-u (ForGet §7, Table 3; App. B.2 "we merge the forgetting and learning phases to simultaneously
// train on both new and old knowledge"): one phase at the located MLPs on
//   L = −α·NLL(old | prompt) + NLL(new | prompt)
// (eq. 4's ascent term and eq. 6's descent term summed). The paper gives no weighting; α ≤ 1 carries over
// its rule that forgetting is weaker than learning (α = 1 would make them equally strong, so α < 1 is
// required); default 0.2, tuned (README "Methods").
import { hashString } from '../../model/prng';
import { defineMethod } from '../common/define';
import { LOCATION_PROPERTIES, locationProblems } from '../common/forget-params';
import { locateStage } from '../common/locate-stage';
import { int, num, oneOf } from '../common/params';
import { sourced, TUNED_FORGET } from '../common/defaults';
import { OPTIMIZERS, runJointPhase, targetExamples, type OptimizerKind } from '../common/phase';
import { editableParams } from '../common/forget-phases';

export const forgetU = defineMethod({
  id: 'forget-u',
  version: '1',
  description: 'ForGet-u: one unified phase on −α·NLL(old) + NLL(new) at the top-k located MLPs (ForGet §7, Table 3)',
  properties: {
    ...LOCATION_PROPERTIES,
    alpha: sourced(num(0.2, 'weight α of the ascent term on the old fact; must be < 1 (forgetting weaker than learning)', { min: 0, max: 1 }), TUNED_FORGET),
    steps: sourced(int(20, 'maximum steps of the unified phase', { min: 1, max: 1000 }), TUNED_FORGET),
    lr: sourced(num(5e-4, 'learning rate', { exclusiveMin: 0, max: 1 }), TUNED_FORGET),
    stopAtLoss: sourced(num(0.05, 'early stopping: stop once NLL(new) is below this (0 = never)', { min: 0 }), TUNED_FORGET),
    optimizer: oneOf<OptimizerKind>(OPTIMIZERS, 'adam', 'optimizer'),
  },
  maxBatch: 1,
  stages: [locateStage],
  check: (p, shape) => [
    ...locationProblems(p, shape),
    ...(p.alpha >= 1 ? [{ param: 'alpha', message: `alpha ${p.alpha} must be < 1: the forgetting term must be weaker than the learning term (ForGet App. B.2)` }] : []),
  ],
  edit(model, requests, p, ctx) {
    const lm = model.transformer;
    const { names } = editableParams('forget-u', lm, requests[0]!, p, ctx);
    const oldEx = targetExamples(model.tokenizer, requests, 'true', 'forget-u');
    const newEx = targetExamples(model.tokenizer, requests, 'new', 'forget-u');
    ctx.snapshot(names);
    return runJointPhase(lm, oldEx, newEx, {
      method: 'forget-u', phase: 'unified', params: names, steps: p.steps, lr: p.lr, optimizer: p.optimizer,
      seed: hashString('unified', ctx.seed), alpha: p.alpha, stopAtLoss: p.stopAtLoss,
    });
  },
});
