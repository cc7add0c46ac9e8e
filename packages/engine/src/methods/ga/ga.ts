// GA, gradient ascent (TOFU/PISTOL `grad_ascent`; docs/unlearning.md "Methods"): min −NLL(answer | question)
// over the forget set, every weight, the recipe of common/unlearn.ts. No retain term and no floor: the
// loss is unbounded below, so GA runs until its steps end and may collapse the model (the status column).
import { ascent } from '../../train/objective';
import { defineUnlearning, unlearnProperties } from '../common/unlearn';

export const ga = defineUnlearning({
  id: 'ga',
  description: 'GA: gradient ascent on the NLL of the forget answers, every weight (TOFU/PISTOL grad_ascent)',
  properties: unlearnProperties(2e-5, 'Editing-as-Unlearning App. A: 2e-5'),
  forget: 'answers',
  forgetObjective: () => ascent('forget'),
});
