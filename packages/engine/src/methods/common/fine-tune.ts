// The FT loop shared by ft and ft-c: fine-tune one MLP's output weight on the new target (ForGet App. B.2,
// "we only unfreeze one layer … use Adam and early stopping and only change the weights of mlp_obj";
// EasyEdit models/ft: Adam on layers[i].mlp.down_proj.weight, num_steps, stop once the loss < 1e-2).
import { hashString } from '../../model/prng';
import type { Projection } from '../../train/loop';
import type { EditModel, RewriteRequest } from '../editor';
import type { EditContext, Losses } from './define';
import { int, num, oneOf, type ParamsOf } from './params';
import { forgetRule, sourced, TUNED_FT } from './defaults';
import { OPTIMIZERS, runPhase, targetExamples, type OptimizerKind } from './phase';
import { layerProblems } from './shape';

/** Shared by ft and ft-c (defaults tuned on models/tiny-gpt2, see the README "Methods" section). */
export const FT_PROPERTIES = {
  layer: sourced(int(2, 'MLP layer whose output weight W_out is trained (ForGet App. B.2: one unfrozen layer; Llama-2 21/32, Qwen2 27/28)', { min: 0, max: 1023 }),
    { source: 'paper', ref: 'ForGet App. B.2: layer 21 of Llama-2-7b (32 layers), 27 of Qwen2-7b (28)', rule: forgetRule({ layer: 21, of: 32 }, { layer: 27, of: 28 }) }),
  lr: sourced(num(2e-3, 'Adam learning rate', { exclusiveMin: 0, max: 1 }), TUNED_FT),
  steps: sourced(int(25, 'maximum optimizer steps (EasyEdit FT num_steps 25)', { min: 1, max: 1000 }), { source: 'easyedit', ref: 'EasyEdit hparams/FT: num_steps 25' }),
  stopAtLoss: sourced(num(1e-2, 'early stopping: stop once the target NLL is below this (EasyEdit FT 1e-2; 0 = never)', { min: 0 }),
    { source: 'easyedit', ref: 'EasyEdit models/ft: stop once the loss < 1e-2 (ForGet App. B.2: early stopping)' }),
  optimizer: sourced(oneOf<OptimizerKind>(OPTIMIZERS, 'adam', 'optimizer (the paper: Adam)'), { source: 'paper', ref: 'ForGet App. B.2: Adam' }),
};

export type FtParams = ParamsOf<typeof FT_PROPERTIES>;

export const ftLayerProblems = (p: FtParams, shape: EditContext['shape']) => layerProblems('layer', p.layer, shape);

/** The FT loop on blocks.{layer}.mlp.W_out; ft-c passes its L∞ projection. */
export function fineTuneOutWeight(id: string, model: EditModel, requests: readonly RewriteRequest[], p: FtParams, ctx: EditContext, project?: Projection): Losses {
  const names = [`blocks.${p.layer}.mlp.W_out`];
  const examples = targetExamples(model.tokenizer, requests, 'new', id);
  ctx.snapshot(names);
  return {
    forget: [],
    learn: runPhase(model.transformer, examples, {
      method: id, phase: 'learn', params: names, steps: p.steps, lr: p.lr, optimizer: p.optimizer,
      seed: hashString('learn', ctx.seed), stopAtLoss: p.stopAtLoss, ...(project ? { project } : {}),
    }),
  };
}
