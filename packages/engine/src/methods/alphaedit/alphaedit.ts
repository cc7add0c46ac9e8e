// AlphaEdit (Fang et al. 2025, "AlphaEdit: Null-Space Constrained Knowledge Editing for Language Models";
// upstream jianghoucheng/AlphaEdit AlphaEdit/AlphaEdit_main.py; EasyEdit models/alphaedit): MEMIT's targets,
// keys and residual spread (common/spread-update.ts), with each layer's update projected onto the null space
// of the preserved keys K₀, so that ΔW·K₀ ≈ 0 (§3, eq. 11):
//   P_i = Û Ûᵀ, Û = the eigenvectors of C_i = E[k kᵀ] (= K₀K₀ᵀ / N, the key-statistics stage) whose eigenvalue is
//         below nullspace_threshold (upstream: SVD of C, the singular vectors with S < threshold; for a
//         symmetric PSD C the same);
//   Δ_i solves (P (K Kᵀ + C_p) + L2·I) Δ = P K Rᵀ  (upstream torch.linalg.solve, a general LU solve in float64);
//         every column of Δ then lies in P's range ((I − P)Δ = 0), so ‖ΔᵀK₀‖ ≤ ‖Δ‖₂ ‖P K₀‖_F and
//         ‖P K₀‖_F² = N · Σ of the discarded (below-threshold) eigenvalues;
//   C_p = Σ K Kᵀ over the earlier edits of this model (sequential editing; upstream cache_c), updated after all
//         layers with the keys recomputed on the edited model. It is kept per model and restored on undo, so an
//         undone (single) edit leaves no trace in later ones (upstream's reset_cache, EasyEdit issue #613).
import { defineMethod } from '../common/define';
import { MEMIT_TEMPLATE_LENGTHS, templatesStage } from '../common/context-templates';
import { keyStatsOf } from '../common/key-stats-stage';
import { editLayerProblems } from '../common/layer-rule';
import { addIdentity, axpby, mul, transpose } from '../common/mat64';
import { num, type ParamsOf } from '../common/params';
import { sourced, widthRule } from '../common/defaults';
import { spreadUpdate } from '../common/spread-update';
import { subjectKeys } from '../common/subject-keys';
import { mat, solve } from '../../linalg/index';
import { MEMIT_PROPERTIES, memitKeyStats } from '../common/locate-edit-params';
import { editedKeys, nullSpace } from './null-space';

const properties = {
  layers: MEMIT_PROPERTIES.layers,
  nullspaceThreshold: num(2e-2, 'nullspace_threshold: eigenvalues of C below it span the null space the update is projected onto (AlphaEdit: 2e-2).', { exclusiveMin: 0 }),
  l2: sourced(
    num(10, 'L2: ridge weight of the projected solve (AlphaEdit gpt2-xl/gpt-j/Llama3-8B: 10; EasyEdit llama3-8b.yaml: 1). `defaults: rule`: scaled by d_mlp (docs/defaults.md "Width rule").', { min: 0 }),
    { source: 'authors-code', ref: 'jianghoucheng/AlphaEdit hparams/AlphaEdit/gpt2-xl.json L2 10 (d_mlp 6400), Llama3-8B.json L2 10 (d_mlp 14336); rule: L2·d_mlp/d_ref keeps ‖Pk‖²/L2 of a typical key (docs/defaults.md "Width rule")', rule: widthRule(10, { name: 'Llama3-8B', value: 10, width: 14336 }) },
  ),
  mom2NSamples: MEMIT_PROPERTIES.mom2NSamples,
  vNumGradSteps: MEMIT_PROPERTIES.vNumGradSteps,
  vLr: MEMIT_PROPERTIES.vLr,
  vWeightDecay: MEMIT_PROPERTIES.vWeightDecay,
  clampNormFactor: MEMIT_PROPERTIES.clampNormFactor,
  klFactor: MEMIT_PROPERTIES.klFactor,
};

export const alphaedit = defineMethod({
  id: 'alphaedit',
  version: '1',
  description: "AlphaEdit: MEMIT's update projected onto the null space of the preserved keys, with earlier edits' keys accumulated for sequential editing (Fang et al. 2025)",
  properties,
  stages: [templatesStage<ParamsOf<typeof properties>>(MEMIT_TEMPLATE_LENGTHS, true), memitKeyStats()],
  check: (p, shape) => editLayerProblems('layers', p.layers, shape),
  edit(model, requests, p, ctx) {
    const m = ctx.shape.dMlp;
    const { layers, groups, losses } = spreadUpdate('alphaedit', model, requests, p, ctx, (layer, _i, K, R) => {
      const P = nullSpace(keyStatsOf(ctx, layer, 'alphaedit'), m, p.nullspaceThreshold).projection;
      const cp = mat(editedKeys.get(model.transformer, layer, m), m, m);
      const A = addIdentity(mul(P, axpby(1, mul(K, transpose(K)), 1, cp)), p.l2);
      return solve(A, mul(mul(P, K), transpose(R))).data;
    });
    const keys = subjectKeys(model, requests, layers, groups);
    editedKeys.add(model.transformer, keys, m, ctx.onUndo);
    return losses;
  },
});
