// FT: fine-tune one MLP's output weight on the new target (the fine-tuning baseline of ForGet Table 1,
// "we only unfreeze one layer … use Adam and early stopping and only change the weights of mlp_obj",
// App. B.2; EasyEdit models/ft: Adam on layers[i].mlp.down_proj.weight, num_steps, stop once the loss
// < 1e-2). Loss: the target-token NLL of request.targetNew after the rewrite prompt and any
// request.trainPrompts, prompt tokens masked (EasyEdit's FT-M objective, "target_new"). Batches: every
// request's examples form one full batch per step (EasyEdit batch_edit for FT).
import type { Projection } from '../../train/loop';
import type { EditModel, EditRequest, EditResult, MethodContext, MethodDef } from '../editor';
import { checkBatch, runEdit } from '../common/edit';
import { checkLayer } from '../common/mlp';
import { int, num, objectSchema, oneOf, resolveParams, type PropSchema } from '../common/params';
import { OPTIMIZERS, runPhase, targetExamples, type OptimizerKind } from '../common/phase';
import { hashString } from '../../model/prng';

/** Shared by ft and ft-c (defaults tuned on models/tiny-gpt2, see the README "Methods" section). */
export const FT_PROPERTIES: Record<string, PropSchema> = {
  layer: int(2, 'MLP layer whose output weight W_out is trained (ForGet App. B.2: one unfrozen layer; Llama-2 21/32, Qwen2 27/28)', { min: 0, max: 1023 }),
  lr: num(2e-3, 'Adam learning rate', { exclusiveMin: 0, max: 1 }),
  steps: int(25, 'maximum optimizer steps (EasyEdit FT num_steps 25)', { min: 1, max: 1000 }),
  stopAtLoss: num(1e-2, 'early stopping: stop once the target NLL is below this (EasyEdit FT 1e-2; 0 = never)', { min: 0 }),
  optimizer: oneOf<OptimizerKind>(OPTIMIZERS, 'adam', 'optimizer (the paper: Adam)'),
};

export interface FtRun {
  readonly id: string;
  readonly params: Record<string, unknown>;
  readonly project?: Projection;
}

/** The FT loop on blocks.{layer}.mlp.W_out; ft-c passes its L∞ projection. */
export function fineTuneOutWeight(model: EditModel, requests: readonly EditRequest[], run: FtRun, ctx: MethodContext): EditResult {
  const p = run.params;
  const layer = p.layer as number;
  checkLayer(model.transformer.config, layer, `${run.id}: layer`);
  const names = [`blocks.${layer}.mlp.W_out`];
  const examples = targetExamples(model.tokenizer, requests, 'new', run.id);
  return runEdit(model, names, () => ({
    forget: [],
    learn: runPhase(model.transformer, examples, {
      method: run.id,
      phase: 'learn',
      params: names,
      steps: p.steps as number,
      lr: p.lr as number,
      optimizer: p.optimizer as OptimizerKind,
      seed: hashString('learn', ctx.seed),
      stopAtLoss: p.stopAtLoss as number,
      ...(run.project ? { project: run.project } : {}),
    }),
  }));
}

export const ft: MethodDef = {
  id: 'ft',
  version: '1',
  description: 'FT: Adam on one MLP output weight (W_out), target-token NLL of the new target, early stopping (ForGet App. B.2; EasyEdit FT-M)',
  paramsSchema: objectSchema('ft', FT_PROPERTIES),
  apply(model, requests, params, ctx) {
    checkBatch('ft', requests, undefined);
    return fineTuneOutWeight(model, requests, { id: 'ft', params: resolveParams(ft, params) }, ctx);
  },
};
