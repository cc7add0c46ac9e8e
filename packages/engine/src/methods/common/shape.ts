// The model's shape as methods check their hyper-parameters against it (ModelShape, editor.ts): from a
// ModelConfig (a loaded model, or a checkpoint's config.json read without its weights).
import type { ModelConfig } from '../../model/config';
import type { EditModel, ModelShape, ParamProblem } from '../editor';
import { modelFamily } from './defaults';

export function modelShape(c: ModelConfig): ModelShape {
  return { arch: c.arch, layers: c.nLayers, dModel: c.dModel, heads: c.nHeads, dMlp: c.dMlp, vocab: c.vocabSize, window: c.maxSeq, family: modelFamily(c) };
}

/** The shape of a loaded model, with the edit layer of its model card (EditModel.editLayer) when it has one. */
export function editModelShape(model: EditModel): ModelShape {
  const shape = modelShape(model.transformer.config);
  return model.editLayer === undefined ? shape : { ...shape, editLayer: model.editLayer };
}

/** A problem for each layer index of `param` that the model does not have. */
export function layerProblems(param: string, layers: number | readonly number[], shape: ModelShape): ParamProblem[] {
  return (typeof layers === 'number' ? [layers] : layers)
    .filter((l) => !Number.isInteger(l) || l < 0 || l >= shape.layers)
    .map((l) => ({ param, message: `layer ${l} is out of range: this model has layers 0..${shape.layers - 1}` }));
}
