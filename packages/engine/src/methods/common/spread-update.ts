// The update loop MEMIT and AlphaEdit share (MEMIT §4.3 Alg. 1, upstream memit/memit_main.py
// execute_memit; AlphaEdit_main.py the same loop): one target z per request at the residual after the last
// edited layer (common/target-value.ts), then for each edited layer l_i, lowest first, on the model as
// updated so far:
//   K_i = the requests' keys at l_i (columns; averaged over the template groups, common/subject-keys.ts),
//   R   = (z − h_last(current model)) / (number of layers − i)   (the residual spread over the remaining layers),
//   W_out(l_i) += Δ_i(K_i, R)  — the method's closed form, float64 (MEMIT: eq. 14; AlphaEdit: eq. 11).
import * as tf from '@tensorflow/tfjs';
import { hookName } from '../../hooks/names';
import type { Mat } from '../../linalg/index';
import type { EditModel, RewriteRequest } from '../editor';
import type { EditContext, Losses } from './define';
import { MEMIT_TEMPLATE_LENGTHS, templatesOf } from './context-templates';
import { resolveLayers } from './layer-rule';
import { valueOptions } from './locate-edit-params';
import { columns } from './mat64';
import { promptActivations, subjectKeys } from './subject-keys';
import { targetValues, valueSite } from './target-value';

export interface SpreadParams {
  readonly layers: readonly number[];
  readonly vNumGradSteps: number;
  readonly vLr: number;
  readonly vWeightDecay: number;
  readonly clampNormFactor: number;
  readonly klFactor: number;
}

/** Δ (d_mlp × d_model, row-major, float64) of layer `layer` (index i) from K (d_mlp × n) and R (d_model × n). */
export type LayerDelta = (layer: number, i: number, K: Mat, R: Mat) => Float64Array;

export function spreadUpdate(method: string, model: EditModel, requests: readonly RewriteRequest[], p: SpreadParams, ctx: EditContext, delta: LayerDelta): { layers: number[]; groups: string[][]; losses: Losses } {
  const layers = resolveLayers(p.layers, ctx.shape);
  const last = layers[layers.length - 1]!;
  const { groups } = templatesOf(model, ctx, MEMIT_TEMPLATE_LENGTHS, true);
  const target = targetValues(model, requests, groups.flat(), valueSite.memit(last), valueOptions(p), method);
  const z = target.values;
  const { dModel: d, dMlp: m } = ctx.shape;
  ctx.snapshot(layers.map((l) => `blocks.${l}.mlp.W_out`));
  layers.forEach((layer, i) => {
    const K = columns(subjectKeys(model, requests, [layer], groups).get(layer)!, m);
    const cur = promptActivations(model, requests, hookName.residPost(last));
    const R = columns(z.map((zj, j) => zj.map((x, k) => (x - cur[j]![k]!) / (layers.length - i))), d);
    const dw = delta(layer, i, K, R);
    const w = model.transformer.param(`blocks.${layer}.mlp.W_out`);
    const next = tf.tidy(() => tf.add(w, tf.tensor2d(Float32Array.from(dw), [m, d])));
    w.assign(next);
    next.dispose();
  });
  return { layers, groups, losses: { value: target.losses } };
}
