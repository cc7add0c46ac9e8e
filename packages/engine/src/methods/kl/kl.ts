// KL minimisation (TOFU/PISTOL `KL`; docs/unlearning.md "Methods"):
//   min −NLL(forget answers) + α·KL(π_ref ‖ π_θ) on the retain answers' positions
// every weight, the recipe of common/unlearn.ts. π_ref is the model before unlearning, frozen: on the
// factual set the pretrained model, on PISTOL the finetuned one (TOFU's oracle is its finetuned model;
// PISTOL's code loads the pretrained base instead, which we do not follow). The KL is averaged over the
// answer tokens (and EOS) of the retain examples; TOFU averages over every position, padding included.
import { ascent, klToReference } from '../../train/objective';
import { alphaProperty, defineUnlearning, unlearnProperties } from '../common/unlearn';

export const kl = defineUnlearning({
  id: 'kl',
  description: 'KL: gradient ascent on the forget answers plus α·KL(model before unlearning ‖ model) on the retain set, every weight (TOFU/PISTOL KL)',
  properties: { ...unlearnProperties(2e-5, 'Editing-as-Unlearning App. A: 2e-5'), alpha: alphaProperty(1, 'KL to the model before unlearning on the retain answers', 'TOFU/PISTOL: 1') },
  forget: 'answers',
  forgetObjective: () => ascent('forget'),
  retainObjective: klToReference('retain'),
});
