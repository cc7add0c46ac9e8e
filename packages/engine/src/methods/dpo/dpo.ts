// DPO for unlearning (open-unlearning `DPO`; TOFU/PISTOL `dpo`; docs/unlearning.md "Methods"): a refusal
// (drawn from the pool per example and epoch) preferred over the true answer, against the model before
// unlearning, frozen:
//   min −(2/β)·mean log σ(β·[(log π_θ(idk|q) − log π_ref(idk|q)) − (log π_θ(a|q) − log π_ref(a|q))]) + α·NLL(retain)
// (Rafailov et al. 2023, eq. 7, with open-unlearning's 2/β scale and retain term; TOFU and PISTOL use
// β = 0.1, no scale and no retain term: alpha: 0). Sequence log-probabilities sum the answer tokens and EOS.
import { dpo as dpoLoss, nll } from '../../train/objective';
import { alphaProperty, betaProperty, defineUnlearning, unlearnProperties } from '../common/unlearn';

export const dpo = defineUnlearning({
  id: 'dpo',
  description: 'DPO: a pool refusal preferred over the forget answer against the model before unlearning, plus α·NLL on the retain set, every weight (open-unlearning DPO)',
  properties: {
    ...unlearnProperties(1e-5, 'open-unlearning TOFU: 1e-5'),
    beta: betaProperty('TOFU, PISTOL, open-unlearning'),
    alpha: alphaProperty(1, 'NLL of the retain answers', 'open-unlearning: 1; TOFU/PISTOL: 0'),
  },
  forget: 'refusals-and-answers',
  forgetObjective: (p) => dpoLoss({ chosen: 'chosen', rejected: 'forget', beta: p.beta }),
  retainObjective: nll('retain'),
});
