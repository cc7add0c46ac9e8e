// FT: fine-tune one MLP's output weight on the new target (the fine-tuning baseline of ForGet Table 1,
// "we only unfreeze one layer … use Adam and early stopping and only change the weights of mlp_obj",
// App. B.2; EasyEdit models/ft: Adam on layers[i].mlp.down_proj.weight, num_steps, stop once the loss
// < 1e-2). Loss: the target-token NLL of request.targetNew after the rewrite prompt and any
// request.trainPrompts, prompt tokens masked (EasyEdit's FT-M objective, "target_new"). Batches: every
// request's examples form one full batch per step (EasyEdit batch_edit for FT). The loop is
// common/fine-tune.ts (shared with ft-c).
import { defineMethod } from '../common/define';
import { FT_PROPERTIES, fineTuneOutWeight, ftLayerProblems } from '../common/fine-tune';

export const ft = defineMethod({
  id: 'ft',
  version: '1',
  description: 'FT: Adam on one MLP output weight (W_out), target-token NLL of the new target, early stopping (ForGet App. B.2; EasyEdit FT-M)',
  properties: FT_PROPERTIES,
  check: ftLayerProblems,
  edit: (model, requests, p, ctx) => fineTuneOutWeight('ft', model, requests, p, ctx),
});
