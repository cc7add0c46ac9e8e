// FT-c: FT with the trained weight clamped to W₀ ± ε after every optimizer step — the L∞-constrained
// fine-tuning of Zhu et al. 2020 ("Modifying memories in transformer models"), as ForGet runs it (App.
// B.2: ε = 5e-4 on Llama-2-7b, 5e-5 on Qwen2-7b) and EasyEdit implements it (FT with a float
// norm_constraint: W = clamp(W, W₀ − ε, W₀ + ε)). The projection is the engine's clampToInitial.
import { clampToInitial } from '../../train/loop';
import { defineMethod } from '../common/define';
import { FT_PROPERTIES, fineTuneOutWeight, ftLayerProblems } from '../common/fine-tune';
import { num } from '../common/params';
import { forgetRule, sourced, TUNED_FT } from '../common/defaults';

export const ftC = defineMethod({
  id: 'ft-c',
  version: '1',
  description: 'FT-c: FT with W_out clamped to W₀ ± ε (L∞ ball) after every step (Zhu et al. 2020; ForGet App. B.2)',
  properties: {
    ...FT_PROPERTIES,
    // The schema default is tuned (an absolute ε of 5e-4 barely moves a 128-wide model); `defaults: rule` takes the paper's.
    epsilon: sourced(num(1e-2, 'L∞ radius ε of the ball around W₀ (paper: 5e-4 on Llama-2-7b; tuned for the tiny models)', { exclusiveMin: 0 }),
      { ...TUNED_FT, rule: forgetRule(5e-4, 5e-5) }),
  },
  check: ftLayerProblems,
  edit: (model, requests, p, ctx) => fineTuneOutWeight('ft-c', model, requests, p, ctx, clampToInitial(p.epsilon)),
});
