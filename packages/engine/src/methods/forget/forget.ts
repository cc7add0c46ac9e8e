// ForGet (Li et al., "Forget for Get: A Lightweight Two-phase Gradient Method for Knowledge Editing",
// Findings of EMNLP 2025): at the top-k MLPs of the fact's knowledge circuit (the locate stage, per
// relation type, §4.1.2), gradient ascent on the old fact, then gradient descent on the new one (§4.2).
// Variants as params: k, layers, scope 'all' (whole model), forget: false (learn-only) — Table 2.
//
// maxBatch 1: ForGet is a single-editing method (App. C.3: "not originally designed for sequential
// editing"; the batch protocol of docs/definitions.md §2 lists MEMIT, AlphaEdit, FT). Sequential editing calls apply()
// once per request without undo, which needs no batch.
import { defineMethod } from '../common/define';
import { FORGET_PROPERTIES, forgetWeakerProblems, locationProblems } from '../common/forget-params';
import { locateStage } from '../common/locate-stage';
import { targetExamples } from '../common/phase';
import { editableParams, forgetPhase, learnPhase } from '../common/forget-phases';

export const forget = defineMethod({
  id: 'forget',
  version: '1',
  description: 'ForGet: gradient ascent on the old fact, then descent on the new fact, only at the top-k located MLPs (Li et al. 2025, §4.2)',
  properties: FORGET_PROPERTIES,
  maxBatch: 1,
  stages: [locateStage],
  check: (p, shape) => [...locationProblems(p, shape), ...forgetWeakerProblems(p)],
  edit(model, requests, p, ctx) {
    const lm = model.transformer;
    const { names } = editableParams('forget', lm, requests[0]!, p, ctx);
    const oldEx = p.forget ? targetExamples(model.tokenizer, requests, 'true', 'forget') : [];
    const newEx = targetExamples(model.tokenizer, requests, 'new', 'forget');
    ctx.snapshot(names);
    return {
      forget: p.forget ? forgetPhase('forget', lm, oldEx, names, p, ctx.seed) : [],
      learn: learnPhase('forget', lm, newEx, names, p, ctx.seed),
    };
  },
});
