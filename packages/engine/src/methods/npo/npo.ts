// NPO, negative preference optimisation (Zhang et al. 2024, eq. 3; open-unlearning `NPO`;
// docs/unlearning.md "Methods"):
//   min (2/β)·mean log(1 + (π_θ(a|q) / π_ref(a|q))^β) + α·NLL(retain answers)
// = −(2/β)·mean log σ(−β·(log π_θ − log π_ref)), π_ref the model before unlearning, frozen; every weight,
// the recipe of common/unlearn.ts. β = 0.1 and α = 1 as open-unlearning.
import { nll, npo as npoLoss } from '../../train/objective';
import { alphaProperty, betaProperty, defineUnlearning, unlearnProperties } from '../common/unlearn';

export const npo = defineUnlearning({
  id: 'npo',
  description: 'NPO: negative preference loss on the forget answers against the model before unlearning, plus α·NLL on the retain set, every weight (Zhang et al. 2024)',
  properties: {
    ...unlearnProperties(1e-5, 'open-unlearning TOFU: 1e-5'),
    beta: betaProperty('Zhang et al. 2024; open-unlearning'),
    alpha: alphaProperty(1, 'NLL of the retain answers', 'open-unlearning: 1'),
  },
  forget: 'answers',
  forgetObjective: (p) => npoLoss({ stream: 'forget', beta: p.beta }),
  retainObjective: nll('retain'),
});
