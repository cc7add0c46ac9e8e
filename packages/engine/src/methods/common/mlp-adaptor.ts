// An adaptor on one MLP's output projection (W_out; Hugging Face down_proj / c_proj), the place GRACE and
// WISE sit (Hartvigsen et al. 2023 §3; Wang et al. 2024 §3.1; EasyEdit inner_params
// model.layers[27].mlp.down_proj): it sees the projection's input (blocks.l.mlp.hook_post, the key) and
// its output (blocks.l.hook_mlp_out) and may replace the output, in every forward pass (scoring,
// generation, training) through two persistent patches (hooks/patches.ts).
import * as tf from '@tensorflow/tfjs';
import { hookName } from '../../hooks/names';
import type { PatchInfo } from '../../hooks/patches';
import { gelu } from '../../kernels/ops';
import { runWithCache } from '../../hooks/run';
import type { Tokenizer } from '../../model/tokenizer';
import type { Transformer } from '../../model/transformer';
import type { EditModel, ModelShape } from '../editor';

/** The token ids the model reads for a text: BOS first when the tokenizer has one. */
export function textIds(tok: Tokenizer, text: string): number[] {
  return [...(tok.bosId !== undefined ? [tok.bosId] : []), ...tok.encode(text)];
}

/**
 * The layer at the reference's relative depth: round(refLayer / (refLayers − 1) · (layers − 1)). EasyEdit's
 * GRACE and WISE edit layer 27 of Llama-2-7B's 32 (hparams/{GRACE,WISE}/llama-7b.yaml), i.e. layer 3 of a
 * 4-layer model.
 */
export function depthLayer(shape: Pick<ModelShape, 'layers'>, refLayer = 27, refLayers = 32): number {
  return Math.round((refLayer / (refLayers - 1)) * (shape.layers - 1));
}

/** The W_out input (blocks.l.mlp.hook_post) at one position of a text (last by default), as a vector. */
export function mlpKey(model: EditModel, ids: readonly number[], layer: number, pos = ids.length - 1): Float32Array {
  const name = hookName.mlpPost(layer);
  const input = tf.tensor2d([[...ids]], [1, ids.length], 'int32');
  const { logits, cache } = runWithCache(model.transformer, input, [name]);
  const row = tf.tidy(() => cache.get(name).slice([0, pos, 0], [1, 1, -1]).reshape([-1]).dataSync() as Float32Array).slice();
  tf.dispose([input, logits]);
  cache.dispose();
  return row;
}

/**
 * The output replacement: out [B, T, d] is W_out's output (bias included), key [B, T, m] its input; returns
 * the output to continue with (same shape).
 */
export type MlpOutputFn = (out: tf.Tensor3D, key: tf.Tensor3D, info: PatchInfo) => tf.Tensor;

/** Install fn on layer l's W_out; returns the idempotent undo that removes both patches. */
export function patchMlpOutput(model: Transformer, layer: number, fn: MlpOutputFn): () => void {
  let key: tf.Tensor3D | undefined; // the current pass's W_out input: hook_post runs just before hook_mlp_out
  const removeKey = model.addPatch(hookName.mlpPost(layer), (a) => {
    key = a as tf.Tensor3D;
    return a;
  });
  const removeOut = model.addPatch(hookName.mlpOut(layer), (a, _name, info) => {
    const k = key;
    key = undefined;
    if (!k) return a;
    return fn(a as tf.Tensor3D, k, info);
  });
  return () => {
    removeOut();
    removeKey();
  };
}

/** The model's MLP nonlinearity (GELU for GPT-2 style, SiLU for Llama style), WISE's `act` of its distance. */
export function mlpActivation(model: Transformer): (x: tf.Tensor) => tf.Tensor {
  return model.config.arch === 'gpt2' ? (x) => gelu(x) : (x) => tf.mul(x, tf.sigmoid(x));
}
