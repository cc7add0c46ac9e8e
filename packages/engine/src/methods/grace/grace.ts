// GRACE (Hartvigsen et al. 2023, "Aging with GRACE: Lifelong Model Editing with Discrete Key-Value
// Adaptors"): a codebook adaptor on one layer's W_out. Per edit (EasyEdit models/grace/GRACE.py, hparams
// GRACE/llama-7b.yaml; docs/grace-wise.md "GRACE"):
//   1. the key is W_out's input at the last prompt token;
//   2. the codebook is updated by the deferral-radius rule (codebook.ts: add, split, expand, within);
//   3. the value of the entry nearest the key (new: cold-initialised, uniform [0,1)^d) is trained with Adam
//      (lr edit_lr = 1.0) for n_iter = 50 steps on the NLL of the target tokens, the adaptor active;
//   4. everything outside every key's ε passes through unchanged.
// Requests of one apply() are edited one after another (GRACE edits sequentially; EasyEdit has no batch
// GRACE), and sequential applies share the codebook (common/model-memory.ts). Undo restores the codebook
// as it was before the apply, and removes the adaptor once it is empty.
import * as tf from '@tensorflow/tfjs';
import { hashString, Rng } from '../../model/prng';
import { nextTokenNll } from '../../train/loss';
import { disposeBatch, makeBatch } from '../../train/batch';
import { makeOptimizer } from '../../train/optimizer';
import type { EditModel, RewriteRequest } from '../editor';
import { defineMethod, type EditContext } from '../common/define';
import { MethodDivergedError } from '../common/errors';
import { depthLayer, mlpKey, textIds } from '../common/mlp-adaptor';
import { modelMemory, setModelMemory } from '../common/model-memory';
import { int, num, type ParamsOf } from '../common/params';
import { layerProblems } from '../common/shape';
import { GraceAdaptor } from './adaptor';
import { updateCodebook, type CodebookEntry, type CodebookUpdate } from './codebook';

/** d_ff of Llama-2-7B, whose down_proj input the reference's ε = 1.0 measures distances in. */
const REF_DMLP = 11008;

export const GRACE_PROPERTIES = {
  layer: int(-1, 'layer whose W_out carries the codebook; -1 = round(27/31·(layers−1)): the reference edits layer 27 of Llama-2-7B\'s 32, at the same relative depth (3 on the 4-layer models)', { min: -1 }),
  eps: num(0, 'initial deferral radius ε_init of a new key (Euclidean, in W_out-input units); 0 = 1.0·√(d_mlp/11008): the reference\'s 1.0 on Llama-2-7B\'s 11008-wide down_proj input, scaled as a distance between vectors of that many like-sized entries (0.216 for d_mlp 512)', { min: 0 }),
  nIter: int(50, 'Adam steps that train a value (EasyEdit GRACE llama-7b n_iter 50; gpt-j 200)', { min: 1, max: 10000 }),
  editLr: num(1, 'Adam learning rate of the values (EasyEdit GRACE edit_lr 1.0)', { exclusiveMin: 0 }),
};
export type GraceParams = ParamsOf<typeof GRACE_PROPERTIES>;

/** The layer and ε an edit uses on a model of this shape (the defaults' rules above). */
export function graceSettings(p: GraceParams, shape: EditContext['shape']): { layer: number; eps: number } {
  return { layer: p.layer < 0 ? depthLayer(shape) : p.layer, eps: p.eps > 0 ? p.eps : Math.sqrt(shape.dMlp / REF_DMLP) };
}

const memoryName = (layer: number) => `grace:${layer}`;

/** The codebook GRACE keeps at this layer of the model (empty when none): for inspection and tests. */
export function graceCodebook(model: EditModel, layer: number): readonly CodebookEntry[] {
  return modelMemory<GraceAdaptor>(model.transformer, memoryName(layer))?.entries ?? [];
}

export const grace = defineMethod({
  id: 'grace',
  version: '1',
  description: 'GRACE: codebook adaptor on one W_out; keys = last prompt token W_out input, deferral radius ε, values trained to the target (Hartvigsen et al. 2023; EasyEdit GRACE)',
  properties: GRACE_PROPERTIES,
  check: (p, shape) => layerProblems('layer', graceSettings(p, shape).layer, shape),
  edit(model, requests, p, ctx) {
    const { layer, eps } = graceSettings(p, ctx.shape);
    const t = model.transformer;
    const name = memoryName(layer);
    let adaptor = modelMemory<GraceAdaptor>(t, name);
    if (!adaptor) {
      adaptor = new GraceAdaptor(t, layer);
      setModelMemory(t, name, adaptor);
    }
    const a = adaptor;
    const before = a.entries;
    ctx.onUndo(() => {
      a.set(before);
      if (before.length === 0) setModelMemory(t, name, undefined);
    });
    const losses: number[] = [];
    for (const r of requests) {
      const { losses: l } = editOne(model, a, r, p, eps, hashString(`grace:${a.entries.length}:${r.prompt}`, ctx.seed));
      losses.push(...l);
    }
    const added = a.entries.length - before.length;
    const perEntry = t.config.dMlp + t.config.dModel + 1; // key, value, ε
    ctx.keeps({ params: added * perEntry, bytes: 4 * (added * perEntry) + 4 * a.entries.slice(before.length).reduce((s, e) => s + e.label.length, 0) });
    return { value: losses };
  },
});

/** One edit: the key, the codebook update, and the value's training. */
function editOne(model: EditModel, a: GraceAdaptor, r: RewriteRequest, p: GraceParams, eps: number, seed: number): { kind: CodebookUpdate; losses: number[] } {
  const tok = model.tokenizer;
  const prompt = textIds(tok, r.prompt);
  const label = tok.encode(r.targetNew);
  const key = mlpKey(model, prompt, a.layer);
  const rng = new Rng(seed);
  const d = model.transformer.config.dModel;
  const { entries, kind, train } = updateCodebook(a.entries, key, label, () => Float32Array.from({ length: d }, () => rng.next()), eps);
  a.set(entries);
  const variable = tf.variable(tf.tensor1d(entries[train]!.value), true);
  const opt = makeOptimizer('adam', p.editLr);
  const batch = makeBatch([{ ids: [...prompt, ...label], lossFrom: prompt.length }], tok.padId);
  const losses: number[] = [];
  a.trained = { index: train, variable };
  try {
    for (let i = 0; i < p.nIter; i++) {
      const { value, grads } = tf.variableGrads(() => nextTokenNll(model.transformer, batch), [variable]);
      const v = value.dataSync()[0]!;
      value.dispose();
      if (!Number.isFinite(v)) {
        tf.dispose(Object.values(grads));
        throw new MethodDivergedError('grace', 'value', i, v);
      }
      losses.push(v);
      opt.applyGradients(grads);
      tf.dispose(Object.values(grads));
    }
    const trained = (variable.dataSync() as Float32Array).slice();
    a.trained = undefined;
    a.set(entries.map((e, i) => (i === train ? { ...e, value: trained } : e)));
  } finally {
    a.trained = undefined;
    disposeBatch(batch);
    opt.dispose();
    variable.dispose();
  }
  return { kind, losses };
}
