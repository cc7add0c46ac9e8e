// ROME (Meng et al. 2022, "Locating and Editing Factual Associations in GPT", §3; upstream kmeng01/rome
// rome/rome_main.py, compute_u.py, compute_v.py; EasyEdit models/rome): one fact, one rank-one update of one
// MLP's output weight W_out (the [d_mlp, d_model] matrix the key k multiplies: output = k·W_out + b_out).
//   1. k*: the W_out input at the subject's last token, averaged over "{}" and 20 sampled context
//      templates (common/context-templates.ts); u = C⁻¹k* / ‖C⁻¹k*‖ with C = E[kkᵀ] from the key-statistics
//      stage (mom2Adjustment on, the paper's eq. 2), or u = k*/‖k*‖ (off: C = I, EasyEdit's Llama presets);
//   2. v*: the MLP output at the subject's last token that makes the model say the new target in every
//      template, optimised with the KL essence term and the norm clamp (common/target-value.ts);
//   3. W_out += u ⊗ (v* − out₀) / (k₀·u), with k₀ and out₀ = k₀·W_out + b_out at the plain prompt, so
//      the plain prompt's MLP output becomes exactly v* (upstream compute_v: cur_input / cur_output; the paper's
//      Λ uses k*, the code k₀ — the code is followed).
// One request per apply (upstream ROME is not a batch method; EasyEdit's BatchEditor excludes it).
import * as tf from '@tensorflow/tfjs';
import { hookName } from '../../hooks/names';
import { mat, solve } from '../../linalg/index';
import { defineMethod } from '../common/define';
import { ROME_TEMPLATE_LENGTHS, templatesOf, templatesStage } from '../common/context-templates';
import { keyStatsOf, keyStatsStage } from '../common/key-stats-stage';
import { editLayerProblems, resolveLayer } from '../common/layer-rule';
import { mom2Samples, valueOptions, valueProperties } from '../common/locate-edit-params';
import { bool, layerList, type ParamsOf } from '../common/params';
import { presetRule, sourced } from '../common/defaults';
import { activationsAt, promptRows, subjectKeys } from '../common/subject-keys';
import { targetValues, valueSite } from '../common/target-value';

const properties = {
  layers: layerList('The edited MLP layer, as upstream\'s one-element `layers`. Default []: ROME\'s reference layer at the same relative depth (common/layer-rule.ts: 17 of 48 for GPT-2, 5 of 32 for Llama).'),
  mom2Adjustment: sourced(bool(true, 'mom2_adjustment: u = C⁻¹k* with the key statistics (the paper); false: C = I (EasyEdit\'s Llama presets), no statistics needed.'),
    { source: 'authors-code', ref: 'kmeng01/rome hparams/ROME/gpt2-xl.json mom2_adjustment true; EasyEdit hparams/ROME/llama-7b.yaml false', rule: presetRule(true, false) }),
  mom2NSamples: mom2Samples(100000, 'ROME gpt2-xl.json: 100,000'),
  ...valueProperties({ clampNormFactor: 4, llamaClampNormFactor: 4 }),
};

export const rome = defineMethod({
  id: 'rome',
  version: '1',
  description: 'ROME: rank-one update of one MLP W_out from k* (averaged over context templates, C⁻¹-adjusted) and an optimised v* (Meng et al. 2022)',
  properties,
  maxBatch: 1,
  stages: [
    templatesStage<ParamsOf<typeof properties>>(ROME_TEMPLATE_LENGTHS, false),
    keyStatsStage<ParamsOf<typeof properties>>((p) => ({ enabled: p.mom2Adjustment, samples: p.mom2NSamples, key: p.layers.length ? p.layers : 'rule', layers: (shape) => [resolveLayer(p.layers[0], shape)] })),
  ],
  check: (p, shape) => [
    ...(p.layers.length > 1 ? [{ param: 'layers', message: `ROME edits one layer; got ${p.layers.length} (MEMIT and AlphaEdit edit several)` }] : []),
    ...editLayerProblems('layers', p.layers, shape),
  ],
  edit(model, [r], p, ctx) {
    const layer = resolveLayer(p.layers[0], ctx.shape);
    const { groups } = templatesOf(model, ctx, ROME_TEMPLATE_LENGTHS, false);
    const kStar = subjectKeys(model, [r!], [layer], groups).get(layer)![0]!;
    const m = kStar.length;
    let u = kStar;
    if (p.mom2Adjustment) u = solve(mat(keyStatsOf(ctx, layer, 'rome').slice(), m, m), mat(kStar, m, 1), { assume: 'spd' }).data;
    const uNorm = Math.hypot(...u);
    u = u.map((x) => x / uNorm);
    const v = targetValues(model, [r!], groups.flat(), valueSite.rome(layer), valueOptions(p), 'rome');
    const acts = activationsAt(model, promptRows(model, [r!]), [hookName.mlpPost(layer), hookName.mlpOut(layer)]);
    const k0 = acts.get(hookName.mlpPost(layer))![0]!;
    const out0 = acts.get(hookName.mlpOut(layer))![0]!;
    const dot = k0.reduce((s, x, i) => s + x * u[i]!, 0);
    const right = v.values[0]!.map((x, i) => (x - out0[i]!) / dot);
    const name = `blocks.${layer}.mlp.W_out`;
    ctx.snapshot([name]);
    const w = model.transformer.param(name);
    const next = tf.tidy(() => tf.add(w, tf.outerProduct(tf.tensor1d(Float32Array.from(u)), tf.tensor1d(Float32Array.from(right)))));
    w.assign(next);
    next.dispose();
    return { value: v.losses };
  },
});
