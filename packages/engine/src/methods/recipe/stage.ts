// RECIPE's training stage (Chen et al. 2024, §3.4; qizhou000/RECIPE recipe.py __train_a_batch__), on the
// dataset's tuning split (docs/definitions.md §4) with the language model frozen. A batch holds B edits, each
// with its reliability query (the prompt), a generality query (a paraphrase) and a locality query (a
// neighbourhood prompt). Losses (weights 1):
//   L1  reliability and generality queries against [B knowledge reps + sentinel]: −log p(own edit);
//   L3  locality queries against the same: −log p(sentinel);
//   rel, gen: −log p(target) of the edit's new target with its prompt vectors prepended;
//   loc: −log p(answer) of the locality query's own answer with the edit's prompt vectors prepended (the
//        reference's KL(pre ‖ post) on the answer positions; the world's gold answer is the base model's).
// Deviations (docs/memory-editors.md "RECIPE"): the reference's L2 (the generality query with its own entry
// replaced by the sentinel) and the 1.2× hinge gates are left out; the prompt vectors occupy P placeholder
// positions before the query (the reference adds them before the first block, keeping GPT-2 positions).
import * as tf from '@tensorflow/tfjs';
import { hashString, Rng } from '../../model/prng';
import { embedHooks } from '../../model/route';
import { makeBatch, disposeBatch, type TokenExample } from '../../train/batch';
import { nextTokenNll } from '../../train/loss';
import type { TrainableModel } from '../../train/loop';
import { trainSliced } from '../common/memory/sliced';
import type { Objective } from '../../train/objective';
import { exampleStream } from '../../train/streams';
import type { EditModel, StageInput } from '../editor';
import { editText, targetVariants } from '../common/memory/context';
import { meanHidden, queryIds } from '../common/memory/features';
import { saveTensors } from '../common/memory/side-weights';
import type { ParamsOf } from '../common/params';
import { scopedEdits } from '../serac/stage';
import { initRecipe, knowledgeRep, promptVectors, queryRep, scores, sentinelRep, type RecipeShape } from './encoder';
import type { RECIPE_PROPERTIES } from './recipe';

export const RECIPE_STAGE = 'recipe';
export const RECIPE_FILE = 'recipe.safetensors';

export interface RecipeArtifact {
  readonly records: number;
  readonly seconds: number;
  readonly params: number;
  readonly bytes: number;
  readonly shape: RecipeShape;
  readonly loss: { readonly first: number; readonly last: number };
}

export function recipeShape(model: EditModel, p: ParamsOf<typeof RECIPE_PROPERTIES>): RecipeShape {
  const d = model.transformer.config.dModel;
  return { d, dRep: p.dRep || d, P: p.prompts, dModel: d };
}

/** The ids of a query after P placeholder positions (their embeddings are the prompt vectors). */
export function withPlaceholders(P: number, padId: number, ids: readonly number[]): number[] {
  return [...Array.from({ length: P }, () => padId), ...ids];
}

let nextRun = 0; // tfjs variable names are global

export async function runRecipeStage(model: EditModel, p: ParamsOf<typeof RECIPE_PROPERTIES>, input: StageInput): Promise<RecipeArtifact> {
  const t0 = performance.now();
  const { transformer: lm, tokenizer: tok } = model;
  const edits = scopedEdits(input.tuning, 'recipe');
  const tuning = input.tuning!;
  const s = recipeShape(model, p);
  // per edit and target variant (common/memory/context.ts targetVariants): its text, a reliability, a generality
  // and a locality query (with the locality answer)
  const variants = targetVariants(edits.map((e) => e.request), p.substitutions, new Rng(hashString('recipe-targets', input.seed)));
  const items = edits.flatMap((e, i) => variants[i]!.map((target) => ({
    text: editText({ prompt: e.request.prompt, targetNew: target }), rel: e.request.prompt, gen: e.inScope[1] ?? e.request.prompt, target,
    loc: tuning[i]!.neighbours[0] ?? { prompt: edits[(i + 1) % edits.length]!.request.prompt, target: edits[(i + 1) % edits.length]!.request.targetTrue ?? '' },
  })));
  const texts = items.flatMap((x) => [x.text, x.rel, x.gen, x.loc.prompt]);
  const feats = meanHidden(lm, texts.map((t) => queryIds(tok, t)), tok.padId);
  const flat = new Float32Array(feats.length * s.d);
  feats.forEach((f, i) => flat.set(f, i * s.d));
  const table = tf.tensor2d(flat, [feats.length, s.d]); // row 4i + {0 text, 1 rel, 2 gen, 3 loc}
  const seq = (q: string, target: string): TokenExample => {
    const prompt = withPlaceholders(s.P, tok.padId, queryIds(tok, q));
    return { ids: [...prompt, ...tok.encode(target)], lossFrom: prompt.length };
  };
  const embedStd = tf.tidy(() => tf.moments(lm.param('embed.W_E')).variance.sqrt().dataSync()[0]!);
  const run = nextRun++;
  const init = initRecipe(s, hashString('recipe-init', input.seed), embedStd);
  const params = new Map<string, tf.Variable>([...init].map(([k, v]) => [k, tf.variable(v, true, `recipe.${k}#${run}`)]));
  tf.dispose([...init.values()]);
  const encoder: TrainableModel = { params, forward: () => { throw new Error('the RECIPE encoder has no token forward'); } };
  const objective: Objective<TrainableModel> = {
    streams: ['edits'],
    compute: ({ batches }) => {
      const idx = Array.from(batches['edits']!.ids.dataSync()); // edit indices
      const B = idx.length;
      const rows = (k: number) => tf.gather(table, tf.tensor1d(idx.map((i) => 4 * i + k), 'int32')) as tf.Tensor2D;
      const K = knowledgeRep(params, rows(0)); // [B, r]
      const cand = tf.concat([K, sentinelRep(params)], 0); // [B + 1, r]
      const own = tf.oneHot(tf.tensor1d(idx.map((_, b) => b), 'int32'), B + 1);
      const sentinel = tf.oneHot(tf.fill([B], B, 'int32') as tf.Tensor1D, B + 1);
      const ce = (k: number, labels: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, scores(queryRep(params, rows(k)), cand)) as tf.Scalar;
      const l1 = tf.add(ce(1, own), ce(2, own)) as tf.Scalar;
      const l3 = ce(3, sentinel);
      const prompts = tf.unstack(promptVectors(params, K, s)) as tf.Tensor2D[]; // B × [P, dModel]
      const examples = [...idx.map((i) => seq(items[i]!.rel, items[i]!.target)), ...idx.map((i) => seq(items[i]!.gen, items[i]!.target)), ...idx.map((i) => seq(items[i]!.loc.prompt, items[i]!.loc.target))];
      const batch = makeBatch(examples, tok.padId);
      const hooks = embedHooks([...prompts, ...prompts, ...prompts].map((vectors) => ({ start: 0, vectors })), examples.map(() => 0));
      const edit = nextTokenNll(lm, batch, { hooks });
      disposeBatch(batch);
      return { loss: tf.addN([l1, l3, edit]) as tf.Scalar, parts: { retrieve: l1, sentinel: l3, edit } };
    },
  };
  try {
    const stream = exampleStream(items.map((_, i) => ({ ids: [i, 0] })), { batchSize: p.batchSize, seed: hashString('recipe-batches', input.seed) });
    const { losses } = await trainSliced(encoder, { edits: stream }, objective, { lr: p.lr, steps: p.steps, clipNorm: 1 }, 5, input.progress);
    const n = saveTensors(input.dir, RECIPE_FILE, params);
    return {
      records: edits.length, seconds: (performance.now() - t0) / 1000, params: n, bytes: 4 * n, shape: s,
      loss: { first: losses[0] ?? NaN, last: losses[losses.length - 1] ?? NaN },
    };
  } finally {
    table.dispose();
    for (const v of params.values()) v.dispose();
  }
}
