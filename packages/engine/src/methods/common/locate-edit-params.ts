// Hyper-parameters shared by ROME, MEMIT and AlphaEdit: the optimisation of the target value (common/
// target-value.ts) and the key statistics' sample count. Defaults are the reference presets for GPT-2 XL
// (kmeng01/rome hparams/ROME/gpt2-xl.json and MEMIT/gpt2-xl.json; AlphaEdit's gpt2-xl.json repeats MEMIT's),
// the model family both papers edit first; EasyEdit's Llama-2-7B presets differ where docs/locate-then-edit.md
// lists it (mom2_adjustment false for ROME, v_weight_decay 1e-3, 25 steps). Nothing here is tuned on
// evaluated records.
import type { ValueOptions } from './target-value';
import { keyStatsStage } from './key-stats-stage';
import { resolveLayers } from './layer-rule';
import { num, int, layerList, type ParamsOf, type PropSchema } from './params';
import { presetRule, sourced, widthRule } from './defaults';

/**
 * The value-optimisation params with a method's defaults (ROME and MEMIT differ in clamp_norm_factor). The
 * schema defaults are the GPT-2 XL files'; with `defaults: rule` a Llama-style model takes EasyEdit's Llama-2-7B
 * values where they differ (25 steps, weight decay 1e-3, MEMIT's clamp 4; `presetRule`).
 */
export function valueProperties(defaults: { clampNormFactor: number; llamaClampNormFactor: number }) {
  const from = (gpt2: string, llama: string) => `kmeng01/rome|memit hparams gpt2-xl.json ${gpt2}; EasyEdit hparams/ROME|MEMIT/llama-7b.yaml ${llama}`;
  return {
    vNumGradSteps: sourced(int(20, 'v_num_grad_steps: iterations of the target-value optimisation (the last only measures the loss).', { min: 1, max: 500 }),
      { source: 'authors-code', ref: from('v_num_grad_steps 20', '25'), rule: presetRule(20, 25) }),
    vLr: num(0.5, 'v_lr: Adam learning rate of the target-value shift δ.', { exclusiveMin: 0 }),
    vWeightDecay: sourced(num(0.5, 'v_weight_decay: weight of ‖δ‖ / ‖v₀‖² in the value loss.', { min: 0 }),
      { source: 'authors-code', ref: from('v_weight_decay 0.5', '1e-3'), rule: presetRule(0.5, 1e-3) }),
    clampNormFactor: sourced(num(defaults.clampNormFactor, 'clamp_norm_factor: ‖δ‖ is projected onto ≤ this · ‖v₀‖ after every step.', { exclusiveMin: 0 }),
      { source: 'authors-code', ref: from(`clamp_norm_factor ${defaults.clampNormFactor}`, String(defaults.llamaClampNormFactor)), rule: presetRule(defaults.clampNormFactor, defaults.llamaClampNormFactor) }),
    klFactor: num(0.0625, 'kl_factor: weight of the KL "essence" term on "{subject} is a".', { min: 0 }),
  } satisfies Record<string, PropSchema<number>>;
}

export function valueOptions(p: { vNumGradSteps: number; vLr: number; vWeightDecay: number; clampNormFactor: number; klFactor: number }): ValueOptions {
  return { steps: p.vNumGradSteps, lr: p.vLr, weightDecay: p.vWeightDecay, clampNormFactor: p.clampNormFactor, klFactor: p.klFactor };
}

/** mom2_n_samples: corpus documents C is estimated from (common/key-stats-stage.ts: all of them when fewer). */
export const mom2Samples = (def: number, source: string) =>
  int(def, `mom2_n_samples: corpus documents the key statistics C = E[kkᵀ] read (${source}); a smaller corpus is used whole.`, { min: 1 });

/** MEMIT's params (AlphaEdit takes all but mom2UpdateWeight). */
export const MEMIT_PROPERTIES = {
  layers: layerList("Edited MLP layers. Default: MEMIT's reference range at the same relative depth (common/layer-rule.ts: 13–17 of 48 for GPT-2, 4–8 of 32 for Llama)."),
  mom2UpdateWeight: sourced(
    num(20000, 'mom2_update_weight λ: weight of the preserved keys\' statistics C against the edited keys (MEMIT gpt2-xl.json: 20000; EasyEdit Llama-2: 15000). `defaults: rule`: scaled by d_mlp (docs/defaults.md "Width rule").', { min: 0 }),
    { source: 'authors-code', ref: 'kmeng01/memit hparams/MEMIT/gpt2-xl.json mom2_update_weight 20000 (d_mlp 6400); EasyEdit hparams/MEMIT/llama-7b.yaml 15000 (d_mlp 11008); rule: λ·d_mlp/d_ref keeps s = kᵀ(λC)⁻¹k ≈ d_mlp/λ of a typical key (docs/defaults.md "Width rule")', rule: widthRule(20000, { name: 'Llama-2-7b', value: 15000, width: 11008 }) },
  ),
  mom2NSamples: mom2Samples(1000, 'Editing as Unlearning App.: 1000 for MEMIT and AlphaEdit'),
  ...valueProperties({ clampNormFactor: 0.75, llamaClampNormFactor: 4 }),
};

/** The key-statistics stage of the MEMIT-style methods (layers: the params', else the rule's). */
export function memitKeyStats() {
  return keyStatsStage<Pick<ParamsOf<typeof MEMIT_PROPERTIES>, 'layers' | 'mom2NSamples'>>((p) => ({
    enabled: true, samples: p.mom2NSamples, key: p.layers.length ? [...p.layers].sort((a, b) => a - b) : 'rule', layers: (shape) => resolveLayers(p.layers, shape),
  }));
}

