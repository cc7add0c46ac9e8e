// Which parameters are "the MLP" of a layer, and which layers a located method edits.
//
// Choice (ForGet leaves it open: "only the modules within editing location are trainable", Fig. 3): the
// MLP *module* is every parameter of the block's feed-forward sublayer — GPT-2: W_in, b_in, W_out, b_out;
// Llama: W_gate, W_in (up), W_out (down). The pre-MLP norm (ln2) belongs to the residual block, not to the
// MLP node of the knowledge circuit (EAP-IG's node m{l} reads hook_mlp_in, i.e. after ln2), so it stays
// frozen. `matrices: 'out'` restricts a method to W_out (+ b_out), the mlp_obj / down_proj that FT edits.
import type { ModelConfig } from '../../model/config';
import type { EditRequest, MethodContext } from '../editor';
import { MethodInputError, MethodParamError } from './errors';
import { locationOf } from './locate-stage';

export type MlpMatrices = 'all' | 'out';
export const MLP_MATRICES: readonly MlpMatrices[] = ['all', 'out'];

export function mlpParamNames(config: ModelConfig, layer: number, matrices: MlpMatrices = 'all'): string[] {
  checkLayer(config, layer, 'layer');
  const b = `blocks.${layer}.mlp`;
  const gpt2 = config.arch === 'gpt2';
  if (matrices === 'out') return gpt2 ? [`${b}.W_out`, `${b}.b_out`] : [`${b}.W_out`];
  return gpt2 ? [`${b}.W_in`, `${b}.b_in`, `${b}.W_out`, `${b}.b_out`] : [`${b}.W_gate`, `${b}.W_in`, `${b}.W_out`];
}

export function checkLayer(config: ModelConfig, layer: number, what: string): void {
  if (!Number.isInteger(layer) || layer < 0 || layer >= config.nLayers) {
    throw new MethodParamError(`${what} ${layer} is out of range: this model has layers 0..${config.nLayers - 1}`);
  }
}

/**
 * The edited MLP layers of a located method: an explicit `layers` override when non-empty, else the top
 * `k` of the locate stage's byRelation[relationId] (falling back to its `all` for an unseen relation).
 */
export function locatedLayers(
  method: string,
  config: ModelConfig,
  request: EditRequest,
  ctx: MethodContext,
  k: number,
  override: readonly number[],
): number[] {
  if (override.length > 0) {
    override.forEach((l) => checkLayer(config, l, `${method}: layers entry`));
    return [...override];
  }
  const location = locationOf(ctx);
  if (!location) {
    throw new MethodInputError(`${method}: no location: give ctx.prepared.locate (the locate stage's output) or an explicit 'layers' param`);
  }
  const ranked = (request.relationId !== undefined ? location.byRelation[request.relationId] : undefined) ?? location.all;
  const top = ranked.slice(0, k);
  if (top.length === 0) {
    throw new MethodInputError(`${method}: the location ranks no MLP layer for relation '${request.relationId ?? '(none)'}' (nor over all relations)`);
  }
  top.forEach((l) => checkLayer(config, l, `${method}: located layer`));
  return top;
}
