// MEMIT (Meng et al. 2023, "Mass-Editing Memory in a Transformer", §4; upstream kmeng01/memit memit/
// memit_main.py, compute_z.py, compute_ks.py; EasyEdit models/memit): a batch of facts written into the W_out
// of several layers at once. The target z of each fact is optimised at the residual after the last edited
// layer (common/target-value.ts), and each layer l_i, lowest first, takes its share of the residual
// (common/spread-update.ts) through
//   Δ_i = R (λC_i + K_i K_iᵀ)⁻¹ K_i)ᵀ  — as upstream: adj_k = solve(λC + KKᵀ, K) (float64), Δ = adj_k Rᵀ,
// with C_i = E[kkᵀ] from the key-statistics stage and λ = mom2_update_weight (eq. 14).
import { defineMethod } from '../common/define';
import { MEMIT_TEMPLATE_LENGTHS, templatesStage } from '../common/context-templates';
import { keyStatsOf } from '../common/key-stats-stage';
import { editLayerProblems } from '../common/layer-rule';
import { MEMIT_PROPERTIES, memitKeyStats } from '../common/locate-edit-params';
import { axpby, mul, transpose } from '../common/mat64';
import type { ParamsOf } from '../common/params';
import { spreadUpdate } from '../common/spread-update';
import { mat, solve } from '../../linalg/index';

type MemitParams = ParamsOf<typeof MEMIT_PROPERTIES>;

export const memit = defineMethod({
  id: 'memit',
  version: '1',
  description: 'MEMIT: a batch of facts written into the W_out of several layers, the residual spread over them, λC-regularised least squares (Meng et al. 2023)',
  properties: MEMIT_PROPERTIES,
  stages: [templatesStage<MemitParams>(MEMIT_TEMPLATE_LENGTHS, true), memitKeyStats()],
  check: (p, shape) => editLayerProblems('layers', p.layers, shape),
  edit(model, requests, p, ctx) {
    const m = ctx.shape.dMlp;
    const { losses } = spreadUpdate('memit', model, requests, p, ctx, (layer, _i, K, R) => {
      const C = mat(keyStatsOf(ctx, layer, 'memit'), m, m);
      const A = axpby(p.mom2UpdateWeight, C, 1, mul(K, transpose(K)));
      const adj = solve(A, K, { assume: 'spd' });
      return mul(adj, transpose(R)).data;
    });
    return losses;
  },
});
