// GD, gradient difference (TOFU/PISTOL `grad_diff`; docs/unlearning.md "Methods"):
//   min −NLL(forget answers) + α·NLL(retain answers)
// every weight, the recipe of common/unlearn.ts; α = 1 in TOFU and PISTOL.
import { ascent, nll } from '../../train/objective';
import { alphaProperty, defineUnlearning, unlearnProperties } from '../common/unlearn';

export const gd = defineUnlearning({
  id: 'gd',
  description: 'GD: gradient ascent on the forget answers plus α·NLL on the retain set, every weight (TOFU/PISTOL grad_diff)',
  properties: { ...unlearnProperties(2e-5, 'Editing-as-Unlearning App. A: 2e-5'), alpha: alphaProperty(1, 'NLL of the retain answers', 'TOFU/PISTOL: 1') },
  forget: 'answers',
  forgetObjective: () => ascent('forget'),
  retainObjective: nll('retain'),
});
