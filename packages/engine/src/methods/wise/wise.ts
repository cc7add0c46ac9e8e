// WISE (Wang et al. 2024, "WISE: Rethinking the Knowledge Memory for Lifelong Model Editing of Large
// Language Models"; EasyEdit models/wise, hparams WISE/llama-7b.yaml; docs/grace-wise.md "WISE"): a side memory
// (a copy of one MLP's W_out, side-memory.ts) edited instead of the model, with activation-based routing
// between it and the main memory. Per edit:
//   1. the batch: the rewrite prompt in 11 contexts ("{}" and 10 greedy continuations of "I", "You",
//      "Because", "Yes", "Q: " of 5 and 10 tokens, generated once) with the target, plus one
//      out-of-scope "loc" text (the wise-loc stage: documents of the model's corpus);
//   2. n_iter SGD steps (lr edit_lr, weight decay 1e-5) on the shard W′ only, the adaptor answering with it:
//      L = NLL(target | prompt, per row, mean over rows) + L_act, with Δ_i = mean-token ‖act(x W′) − act(x W)‖,
//      L_act = mean⁺(Δ_loc − Δ_in + γ) + mean⁺(Δ_loc − α) + mean⁺(β − Δ_in) (paper eq. 5–6; mean⁺: the mean
//      of the positive entries, 0 if none); the gradient is multiplied by the shard's random mask (knowledge
//      sharding, §3.3) and W′ is clamped to W ± norm_constraint after each step; early stop once the loss
//      moved ≤ 1e-4 and is ≤ 0.02;
//   3. the in-scope Δ is recorded (routing threshold act_ratio·min over edits);
//   4. every save_freq edits the shard joins the memory list and a new one starts (new mask); every
//      merge_freq edits the list is TIES-merged (ties.ts) into the side memory.
// Requests of one apply() are edited one after another (EasyEdit edits WISE sequentially); sequential
// applies share the memory (common/model-memory.ts); undo restores the state before the apply.
import * as tf from '@tensorflow/tfjs';
import { generateIds } from '../../generate/generate';
import { hashString, Rng } from '../../model/prng';
import { disposeBatch, makeBatch, type Batch, type TokenExample } from '../../train/batch';
import { tokenLogProbs } from '../../train/loss';
import type { EditModel, PrepareStage, RewriteRequest } from '../editor';
import { defineMethod, type EditContext } from '../common/define';
import { MethodDivergedError, MethodInputError } from '../common/errors';
import { depthLayer, textIds } from '../common/mlp-adaptor';
import { modelMemory, setModelMemory } from '../common/model-memory';
import { int, num, type ParamsOf } from '../common/params';
import { layerProblems } from '../common/shape';
import { EMPTY_STATE, mergeShards, WiseAdaptor, type MergeSettings, type TrainingOutputs, type WiseState } from './side-memory';

/** d_model of Llama-2-7B, the width of the outputs the reference's margins (5, 20, 10) are distances between. */
const REF_DMODEL = 4096;
const TEMPLATE_PREFIXES = ['I', 'You', 'Because', 'Yes', 'Q: '];
const TEMPLATE_LENGTHS = [5, 10];

export const WISE_PROPERTIES = {
  layer: int(-1, 'layer whose W_out the side memory copies; -1 = round(27/31·(layers−1)): the reference edits layer 27 of Llama-2-7B\'s 32, at the same relative depth (3 on the 4-layer models)', { min: -1 }),
  nIter: int(70, 'SGD steps per edit (EasyEdit WISE n_iter 70)', { min: 1, max: 10000 }),
  editLr: num(1, 'SGD learning rate of the side memory (EasyEdit WISE edit_lr 1.0)', { exclusiveMin: 0 }),
  maskRatio: num(0.2, 'share of the side memory\'s entries a shard may change (random gradient mask; EasyEdit WISE mask_ratio 0.2)', { exclusiveMin: 0, max: 1 }),
  normConstraint: num(1, 'W′ stays within W ± this, entrywise (EasyEdit WISE norm_constraint 1.0)', { exclusiveMin: 0 }),
  marginScale: num(0, 'margins (α, β, γ) = s·(5, 20, 10) (EasyEdit WISE act_margin on Llama-2-7B); 0 = √(d_model/4096): distances between outputs of d_model like-sized entries (0.177 for d_model 128)', { min: 0 }),
  actRatio: num(0.88, 'routing threshold = act_ratio × the smallest in-scope distance of the edits (EasyEdit WISE act_ratio 0.88)', { exclusiveMin: 0 }),
  saveFreq: int(500, 'edits per knowledge shard: then the shard joins the memory list and a new mask is drawn (EasyEdit WISE save_freq 500)', { min: 1 }),
  mergeFreq: int(1000, 'edits between TIES merges of the shards into the side memory; a multiple of saveFreq (EasyEdit WISE merge_freq 1000)', { min: 1 }),
  densities: num(0.53, 'TIES density: share of each shard\'s task-vector entries kept, by magnitude (EasyEdit WISE densities 0.53)', { exclusiveMin: 0, max: 1 }),
  weights: num(1, 'TIES total weight of the shards merged first (EasyEdit WISE weights 1.0)', { exclusiveMin: 0 }),
  locCount: int(100, 'out-of-scope texts the wise-loc stage samples from the corpus (edit i uses text i mod count)', { min: 1 }),
  locTokens: int(30, 'tokens kept of each out-of-scope text (EasyEdit WISE max_length 30)', { min: 2 }),
};
export type WiseParams = ParamsOf<typeof WISE_PROPERTIES>;

/** The layer and margins an edit uses on a model of this shape. */
export function wiseSettings(p: WiseParams, shape: EditContext['shape']): { layer: number; alpha: number; beta: number; gamma: number } {
  const s = p.marginScale > 0 ? p.marginScale : Math.sqrt(shape.dModel / REF_DMODEL);
  return { layer: p.layer < 0 ? depthLayer(shape) : p.layer, alpha: 5 * s, beta: 20 * s, gamma: 10 * s };
}

/** The out-of-scope texts: locCount corpus documents in a seeded order, each cut to locTokens tokens. */
export const WISE_LOC_STAGE: PrepareStage<WiseParams, { loc: number[][] }> = {
  name: 'wise-loc',
  reads: 'corpus',
  inputs: (p) => ({ locCount: p.locCount, locTokens: p.locTokens }),
  run(model, p, input) {
    const docs = (input.corpus ?? []).filter((d) => d.trim().length > 0);
    if (docs.length === 0) throw new MethodInputError('wise: the corpus has no text for the out-of-scope (loc) prompts');
    const order = new Rng(hashString('wise-loc', input.seed)).shuffle(docs);
    const loc = order.slice(0, p.locCount).map((d) => textIds(model.tokenizer, d).slice(0, p.locTokens));
    return { loc: loc.filter((ids) => ids.length >= 2) };
  },
};

const memoryName = (layer: number) => `wise:${layer}`;

/** The adaptor WISE keeps at this layer of the model, if any: for inspection and tests. */
export function wiseAdaptor(model: EditModel, layer: number): WiseAdaptor | undefined {
  return modelMemory<WiseAdaptor>(model.transformer, memoryName(layer));
}

/** Side memory, current shard and pending shards, in parameters (the reference holds all of them). */
const held = (st: WiseState, size: number) => (st === EMPTY_STATE ? 0 : (2 + st.memory.length) * size);

export const wise = defineMethod({
  id: 'wise',
  version: '1',
  description: 'WISE: side memory (a copy of one W_out) edited under random shard masks, activation-based routing with margin losses, TIES merging of shards (Wang et al. 2024; EasyEdit WISE)',
  properties: WISE_PROPERTIES,
  stages: [WISE_LOC_STAGE],
  check(p, shape) {
    const problems = layerProblems('layer', wiseSettings(p, shape).layer, shape);
    if (p.mergeFreq % p.saveFreq !== 0) problems.push({ param: 'mergeFreq', message: `must be a multiple of saveFreq (${p.saveFreq}), got ${p.mergeFreq}` });
    return problems;
  },
  edit(model, requests, p, ctx) {
    const loc = (ctx.prepared?.[WISE_LOC_STAGE.name]?.value as { loc: number[][] } | undefined)?.loc;
    if (!loc?.length) throw new MethodInputError('no out-of-scope texts: run the wise-loc stage first (ctx.prepared["wise-loc"])');
    const settings = wiseSettings(p, ctx.shape);
    const t = model.transformer;
    const name = memoryName(settings.layer);
    const merge: MergeSettings = { saveFreq: p.saveFreq, densities: p.densities, weights: p.weights };
    let a = modelMemory<WiseAdaptor>(t, name);
    if (!a) {
      a = new WiseAdaptor(t, settings.layer, p.actRatio);
      a.set(EMPTY_STATE, merge); // installs the adaptor; routes nothing before an edit
      setModelMemory(t, name, a);
    }
    const adaptor = a;
    const before = adaptor.state;
    const templatesBefore = adaptor.templates;
    ctx.onUndo(() => {
      if (before === EMPTY_STATE) {
        adaptor.dispose();
        setModelMemory(t, name, undefined);
      } else {
        adaptor.templates = templatesBefore;
        adaptor.set(before, merge);
      }
    });
    adaptor.templates ??= contextTemplates(model);
    const losses: number[] = [];
    for (const r of requests) {
      const st = adaptor.state;
      const seed = hashString(`wise:${st.count}`, ctx.seed);
      const { state, losses: l } = editOne(model, adaptor, r, loc[st.count % loc.length]!, p, settings, seed);
      adaptor.set(state, merge);
      losses.push(...l);
    }
    const size = t.config.dMlp * t.config.dModel;
    const grown = held(adaptor.state, size) - held(before, size);
    ctx.keeps({ params: grown, bytes: 4 * grown + (before === EMPTY_STATE ? size : 0) }); // + the mask, a byte an entry
    return { value: losses };
  },
});

/** "{}" and the greedy continuations of the reference's prefixes, each followed by ". {}". */
function contextTemplates(model: EditModel): string[] {
  const tok = model.tokenizer;
  const out = ['{}'];
  for (const n of TEMPLATE_LENGTHS) {
    const prompts = TEMPLATE_PREFIXES.map((s) => textIds(tok, s));
    const gen = generateIds(model.transformer, prompts, { maxNewTokens: n, padId: tok.padId, eosId: tok.eosId });
    gen.forEach((g, i) => out.push(`${(TEMPLATE_PREFIXES[i]! + tok.decode(g)).replace(/[{}]/g, ' ')}. {}`));
  }
  return out;
}

/** Real-token mask [B, T] of a right-padded batch: input position i of row b is real iff i < |ids_b| − 1. */
function realTokens(examples: readonly TokenExample[], T: number): tf.Tensor2D {
  return tf.tensor2d(examples.flatMap((e) => Array.from({ length: T }, (_x, i) => (i < e.ids.length - 1 ? 1 : 0))), [examples.length, T]);
}

/** Mean of the positive entries (0 if none): the reference's torch.mean(x[x > 0]). */
function meanPositive(x: tf.Tensor): tf.Scalar {
  const pos = tf.relu(x);
  return tf.div(tf.sum(pos), tf.maximum(tf.sum(tf.sign(pos)), 1)) as tf.Scalar; // sign: a count with a zero gradient
}

interface Losses { readonly total: tf.Scalar; readonly inScope: tf.Tensor1D }

/** The edit loss on a batch whose last row is the loc text (the adaptor in training mode). */
function editLoss(model: EditModel, a: WiseAdaptor, batch: Batch, real: tf.Tensor2D, s: ReturnType<typeof wiseSettings>): Losses {
  const out: TrainingOutputs = a.training!.out;
  const logits = model.transformer.forward(batch.ids);
  const [B, T] = batch.ids.shape;
  const nIn = B - 1;
  const lp = tokenLogProbs(tf.logSoftmax(logits) as tf.Tensor3D, batch); // [B, T]
  const mask = tf.reshape(batch.mask, [B, T]);
  const rowNll = tf.div(tf.neg(tf.sum(tf.mul(lp, mask), 1)), tf.maximum(tf.sum(mask, 1), 1)); // [B]
  const ft = tf.mean(tf.slice(rowNll, [0], [nIn]));
  const dist = a.distance(out.edited!, out.main!); // [B, T]
  const rowDist = tf.div(tf.sum(tf.mul(dist, real), 1), tf.sum(real, 1)) as tf.Tensor1D; // [B]
  const inScope = tf.slice(rowDist, [0], [nIn]);
  const locDist = tf.slice(rowDist, [nIn], [1]);
  const act = tf.addN([meanPositive(tf.add(tf.sub(locDist, inScope), s.gamma)), meanPositive(tf.sub(locDist, s.alpha)), meanPositive(tf.sub(s.beta, inScope))]);
  tf.dispose([out.main!, out.edited!]);
  return { total: tf.add(ft, act) as tf.Scalar, inScope };
}

/** One edit: train the shard (drawing a new mask at a shard's start), record Δ_in, and shard/merge. */
function editOne(
  model: EditModel, a: WiseAdaptor, r: RewriteRequest, loc: readonly number[], p: WiseParams, s: ReturnType<typeof wiseSettings>, seed: number,
): { state: WiseState; losses: number[] } {
  const tok = model.tokenizer;
  const st = a.state;
  const [m, d] = a.base.shape;
  const mask = st.count % p.saveFreq === 0 || !st.mask ? bernoulliMask(m * d, p.maskRatio, seed) : st.mask;
  const target = tok.encode(r.targetNew);
  const examples: TokenExample[] = a.templates!.map((tpl) => {
    const prompt = textIds(tok, tpl.replace('{}', r.prompt));
    return { ids: [...prompt, ...target], lossFrom: prompt.length };
  });
  examples.push({ ids: loc, lossFrom: loc.length });
  const batch = makeBatch(examples, tok.padId);
  const real = realTokens(examples, batch.ids.shape[1]);
  const shard = tf.variable(st.shard ? tf.tensor2d(st.shard, [m, d]) : tf.clone(a.base), true);
  const maskT = tf.tensor2d(mask, [m, d]);
  const [lo, hi] = [tf.sub(a.base, p.normConstraint), tf.add(a.base, p.normConstraint)];
  const losses: number[] = [];
  let inScope = 0;
  a.training = { shard, out: {} };
  try {
    let prev = Infinity;
    for (let i = 0; ; i++) {
      let step: Losses | undefined;
      const { value, grads } = tf.variableGrads(() => {
        step = editLoss(model, a, batch, real, s);
        tf.keep(step.inScope); // read after the gradient's scope closes
        return step.total;
      }, [shard]);
      const v = value.dataSync()[0]!;
      inScope = tf.mean(step!.inScope).dataSync()[0]!;
      tf.dispose([value, step!.inScope]);
      if (!Number.isFinite(v)) {
        tf.dispose(Object.values(grads));
        throw new MethodDivergedError('wise', 'side memory', i, v);
      }
      losses.push(v);
      // EarlyStopMeter: stop once the loss moved by ≤ 1e-4 and is ≤ 0.02; else up to n_iter steps.
      if ((Math.abs(v - prev) <= 1e-4 && v <= 0.02) || i === p.nIter) {
        tf.dispose(Object.values(grads));
        break;
      }
      prev = v;
      const g = Object.values(grads)[0]!;
      // SGD with weight decay 1e-5 on the masked gradient, then the clamp to W ± norm_constraint.
      const updated = tf.tidy(() => tf.minimum(tf.maximum(tf.sub(shard, tf.mul(p.editLr, tf.add(tf.mul(g, maskT), tf.mul(1e-5, shard)))), lo), hi));
      shard.assign(updated as tf.Tensor2D);
      tf.dispose([updated, ...Object.values(grads)]);
    }
    const trained = (shard.dataSync() as Float32Array).slice();
    const count = st.count + 1;
    let next: WiseState = { ...st, shard: trained, mask, count, minAct: Math.min(st.minAct, inScope) };
    if (count % p.saveFreq === 0) next = { ...next, memory: [...next.memory, trained], shard: null };
    if (count % p.mergeFreq === 0) {
      next = { ...next, side: mergeShards(a.baseData, next.side, next.memory, { saveFreq: p.saveFreq, densities: p.densities, weights: p.weights }), memory: [] };
    }
    return { state: next, losses };
  } finally {
    a.training = undefined;
    disposeBatch(batch);
    tf.dispose([real, shard, maskT, lo, hi]);
  }
}

/** A 0/1 mask with each entry 1 with probability `ratio` (the reference's np.random.choice([1, 0], p=[r, 1−r])). */
function bernoulliMask(n: number, ratio: number, seed: number): Float32Array {
  const rng = new Rng(hashString('wise-mask', seed));
  return Float32Array.from({ length: n }, () => (rng.next() < ratio ? 1 : 0));
}
