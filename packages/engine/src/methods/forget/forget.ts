// ForGet (Li et al., "Forget for Get: A Lightweight Two-phase Gradient Method for Knowledge Editing",
// Findings of EMNLP 2025): at the top-k MLPs of the fact's knowledge circuit (ctx.location, per
// relation type, §4.1.2), gradient ascent on the old fact, then gradient descent on the new one (§4.2).
// Variants as params: k, layers, scope 'all' (whole model), forget: false (learn-only) — Table 2.
//
// maxBatch 1: ForGet is a single-editing method (App. C.3: "not originally designed for sequential
// editing"; the BRIEF's batch protocol lists MEMIT, AlphaEdit, FT). Sequential editing calls apply()
// once per request without undo, which needs no batch.
import type { MethodDef } from '../editor';
import { checkBatch, runEdit } from '../common/edit';
import { objectSchema, resolveParams } from '../common/params';
import { targetExamples } from '../common/phase';
import { checkForgetWeaker, FORGET_PROPERTIES } from './params';
import { editableParams, forgetPhase, learnPhase } from './phases';

export const forget: MethodDef = {
  id: 'forget',
  version: '1',
  description: 'ForGet: gradient ascent on the old fact, then descent on the new fact, only at the top-k located MLPs (Li et al. 2025, §4.2)',
  paramsSchema: objectSchema('forget', FORGET_PROPERTIES),
  maxBatch: 1,
  needsLocation: true,
  apply(model, requests, params, ctx) {
    checkBatch('forget', requests, 1);
    const p = resolveParams(forget, params);
    checkForgetWeaker('forget', p);
    const request = requests[0]!;
    const lm = model.transformer;
    const { names } = editableParams('forget', lm, request, p, ctx);
    const oldEx = p.forget ? targetExamples(model.tokenizer, requests, 'true', 'forget') : [];
    const newEx = targetExamples(model.tokenizer, requests, 'new', 'forget');
    return runEdit(model, names, () => ({
      forget: p.forget ? forgetPhase('forget', lm, oldEx, names, p, ctx.seed) : [],
      learn: learnPhase('forget', lm, newEx, names, p, ctx.seed),
    }));
  },
};
