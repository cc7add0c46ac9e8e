// IDK, "I don't know" tuning (TOFU `idk`; the Editing-as-Unlearning paper's "DPO" row, L(S_R) + L(S_F^idk);
// docs/unlearning.md "Methods"):
//   min NLL(refusal | forget question) + α·NLL(retain answers)
// every weight, the recipe of common/unlearn.ts. Each forget question is paired with a refusal drawn from
// the refusal pool per example and epoch (TOFU data_module.py: torch.randint over idontknow.jsonl). TOFU
// takes one token mean over the concatenated batch; this is the sum of the two token means (α = 1).
import { nll } from '../../train/objective';
import { alphaProperty, defineUnlearning, unlearnProperties } from '../common/unlearn';

export const idk = defineUnlearning({
  id: 'idk',
  description: 'IDK: NLL of a refusal drawn from the pool for each forget question plus α·NLL on the retain set, every weight (TOFU idk; the paper\'s "DPO" row)',
  properties: { ...unlearnProperties(1.5e-5, 'Editing-as-Unlearning App. A, its "DPO" row: 1.5e-5'), alpha: alphaProperty(1, 'NLL of the retain answers', 'TOFU: 1') },
  forget: 'refusals',
  forgetObjective: () => nll('forget'),
  retainObjective: nll('retain'),
});
