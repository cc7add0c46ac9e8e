// ForGet-u (ForGet §7, Table 3; App. B.2 "we merge the forgetting and learning phases to simultaneously
// train on both new and old knowledge"): one phase at the located MLPs on
//   L = −α·NLL(old | prompt) + NLL(new | prompt)
// (eq. 4's ascent term and eq. 6's descent term summed). The paper gives no weighting; α ≤ 1 carries over
// its rule that forgetting is weaker than learning (α = 1 would make them equally strong, so α < 1 is
// required); default 0.2, tuned (README "Methods").
import type { MethodDef } from '../editor';
import { checkBatch, runEdit } from '../common/edit';
import { MethodParamError } from '../common/errors';
import { int, num, objectSchema, oneOf, resolveParams } from '../common/params';
import { OPTIMIZERS, runJointPhase, targetExamples, type OptimizerKind } from '../common/phase';
import { hashString } from '../../model/prng';
import { LOCATION_PROPERTIES } from '../forget/params';
import { editableParams } from '../forget/phases';

export const forgetU: MethodDef = {
  id: 'forget-u',
  version: '1',
  description: 'ForGet-u: one unified phase on −α·NLL(old) + NLL(new) at the top-k located MLPs (ForGet §7, Table 3)',
  paramsSchema: objectSchema('forget-u', {
    ...LOCATION_PROPERTIES,
    alpha: num(0.2, 'weight α of the ascent term on the old fact; must be < 1 (forgetting weaker than learning)', { min: 0, max: 1 }),
    steps: int(20, 'maximum steps of the unified phase', { min: 1, max: 1000 }),
    lr: num(5e-4, 'learning rate', { exclusiveMin: 0, max: 1 }),
    stopAtLoss: num(0.05, 'early stopping: stop once NLL(new) is below this (0 = never)', { min: 0 }),
    optimizer: oneOf<OptimizerKind>(OPTIMIZERS, 'adam', 'optimizer'),
  }),
  maxBatch: 1,
  needsLocation: true,
  apply(model, requests, params, ctx) {
    checkBatch('forget-u', requests, 1);
    const p = resolveParams(forgetU, params);
    if ((p.alpha as number) >= 1) {
      throw new MethodParamError(`forget-u: alpha ${p.alpha as number} must be < 1: the forgetting term must be weaker than the learning term (ForGet App. B.2)`);
    }
    const lm = model.transformer;
    const { names } = editableParams('forget-u', lm, requests[0]!, p, ctx);
    const oldEx = targetExamples(model.tokenizer, requests, 'true', 'forget-u');
    const newEx = targetExamples(model.tokenizer, requests, 'new', 'forget-u');
    return runEdit(model, names, () =>
      runJointPhase(lm, oldEx, newEx, {
        method: 'forget-u',
        phase: 'unified',
        params: names,
        steps: p.steps as number,
        lr: p.lr as number,
        optimizer: p.optimizer as OptimizerKind,
        seed: hashString('unified', ctx.seed),
        alpha: p.alpha as number,
        stopAtLoss: p.stopAtLoss as number,
      }),
    );
  },
};
