// ForGet-PA (ForGet §7, Table 3; App. B.2: "we replaced the forgetting method of ForGet with that of
// F-Learning, while keeping the rest of the parts unchanged … ForGet-PA resembles F-Learning enhanced with
// an additional localization step"): at the top-k located MLPs, fine-tune on the OLD fact, subtract λ·Δ_old
// from W₀ (common/arithmetic.ts), then ForGet's learn phase (eq. 6–7) on the new fact.
import { hashString } from '../../model/prng';
import { arithmeticForget } from '../common/arithmetic';
import { defineMethod } from '../common/define';
import { LEARN_PROPERTIES, LOCATION_PROPERTIES, locationProblems } from '../common/forget-params';
import { locateStage } from '../common/locate-stage';
import { int, num } from '../common/params';
import { sourced, TUNED_FORGET } from '../common/defaults';
import { targetExamples } from '../common/phase';
import { editableParams, learnPhase } from '../common/forget-phases';

export const forgetPa = defineMethod({
  id: 'forget-pa',
  version: '1',
  description: 'ForGet-PA: forget by parametric arithmetic (W ← W₀ − λ·(W_ft(old) − W₀), F-Learning) at the located MLPs, then learn the new fact there (ForGet §7, Table 3)',
  properties: {
    ...LOCATION_PROPERTIES,
    forgetSteps: sourced(int(10, 'fine-tuning steps on the old fact that define Δ_old (fixed budget: no early stop)', { min: 1, max: 1000 }), TUNED_FORGET),
    forgetLr: sourced(num(2.5e-4, 'learning rate of the old-fact fine-tune', { exclusiveMin: 0, max: 1 }), TUNED_FORGET),
    lambda: sourced(num(1, 'λ: W ← W₀ − λ·Δ_old', { min: 0, max: 10 }), TUNED_FORGET),
    ...LEARN_PROPERTIES,
  },
  maxBatch: 1,
  stages: [locateStage],
  check: locationProblems,
  edit(model, requests, p, ctx) {
    const lm = model.transformer;
    const { names } = editableParams('forget-pa', lm, requests[0]!, p, ctx);
    const oldEx = targetExamples(model.tokenizer, requests, 'true', 'forget-pa');
    const newEx = targetExamples(model.tokenizer, requests, 'new', 'forget-pa');
    const snap = ctx.snapshot(names);
    return {
      forget: arithmeticForget(lm, snap, oldEx, {
        method: 'forget-pa', names, steps: p.forgetSteps, lr: p.forgetLr, lambda: p.lambda, optimizer: p.optimizer, seed: hashString('forget', ctx.seed),
      }),
      learn: learnPhase('forget-pa', lm, newEx, names, p, ctx.seed),
    };
  },
});
