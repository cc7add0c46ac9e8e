// A trained scope scorer over frozen text features (features.ts): the stand-in for SERAC's scope classifier
// (Mitchell et al. 2022, §3.1: an embedding classifier, DistilBERT fine-tuned, sim = exp(−‖e − q‖²) over the
// edit cache, in scope when sim > 0.5; EasyEdit trainer/algs/SERAC.py, `cos: false`, `square: true`). Here the
// encoder is a learned linear map W [d, d] (initialised to the identity) on the base model's mean hidden state,
// with a learned log-scale a and offset c: logit(e, q) = c − e^a·‖W(φ(e) − φ(q))‖²/d, trained by binary cross
// entropy on in-scope pairs (an edit and its prompt or paraphrases) and out-of-scope pairs (its neighbourhood
// prompts and other edits' prompts), through the engine's one training loop (train/loop.ts): each batch's
// ids are pair indices into the precomputed feature table, its targets the labels.
import * as tf from '@tensorflow/tfjs';
import type { TrainableModel } from '../../../train/loop';
import { trainSliced } from './sliced';
import { exampleStream } from '../../../train/streams';
import type { Objective } from '../../../train/objective';

export interface ScopePair {
  readonly edit: number;
  readonly query: number;
  readonly inScope: boolean;
}

export interface ScopeTrainOptions {
  readonly steps: number;
  readonly lr: number;
  readonly batchSize: number;
  readonly seed: number;
}

/** The scorer's parameters: W [d, d], logScale [1], offset [1]. */
export type ScopeWeights = ReadonlyMap<string, tf.Tensor>;

/** logit(e, q) for rows of edit and query features [n, d] (inside a tidy). */
function logits(w: ScopeWeights, e: tf.Tensor2D, q: tf.Tensor2D): tf.Tensor1D {
  const d = e.shape[1];
  const diff = tf.matMul(tf.sub(e, q), w.get('W') as tf.Tensor2D);
  const dist = tf.div(tf.sum(tf.square(diff), 1), d);
  return tf.sub(tf.reshape(w.get('offset')!, []), tf.mul(tf.exp(tf.reshape(w.get('logScale')!, [])), dist)) as tf.Tensor1D;
}

let nextRun = 0; // tfjs variable names are global

/** Train the scorer on feature rows; returns its weights (caller disposes) and the loss per step. */
export async function trainScope(features: readonly Float32Array[], pairs: readonly ScopePair[], o: ScopeTrainOptions): Promise<{ weights: Map<string, tf.Tensor>; losses: number[] }> {
  const d = features[0]!.length;
  const run = nextRun++;
  const params = new Map<string, tf.Variable>([
    ['W', tf.variable(tf.eye(d), true, `scope.W#${run}`)],
    ['logScale', tf.variable(tf.zeros([1]), true, `scope.logScale#${run}`)],
    ['offset', tf.variable(tf.ones([1]), true, `scope.offset#${run}`)],
  ]);
  const flat = new Float32Array(features.length * d);
  features.forEach((f, i) => flat.set(f, i * d));
  const table = tf.tensor2d(flat, [features.length, d]);
  const scorer: TrainableModel = { params, forward: () => { throw new Error('the scope scorer has no token forward'); } };
  const objective: Objective<TrainableModel> = {
    streams: ['pairs'],
    compute: ({ batches }) => {
      const b = batches['pairs']!;
      const idx = tf.reshape(b.ids, [-1]) as tf.Tensor1D; // pair index per row
      const e = tf.gather(table, tf.gather(tf.tensor1d(pairs.map((p) => p.edit), 'int32'), idx)) as tf.Tensor2D;
      const q = tf.gather(table, tf.gather(tf.tensor1d(pairs.map((p) => p.query), 'int32'), idx)) as tf.Tensor2D;
      const loss = tf.losses.sigmoidCrossEntropy(tf.cast(b.targets, 'float32'), logits(params, e, q)) as tf.Scalar;
      return { loss, parts: { bce: loss } };
    },
  };
  try {
    const stream = exampleStream(pairs.map((p, i) => ({ ids: [i, p.inScope ? 1 : 0] })), { batchSize: o.batchSize, seed: o.seed });
    const { losses } = await trainSliced(scorer, { pairs: stream }, objective, { lr: o.lr, steps: o.steps }, 50);
    const weights = new Map<string, tf.Tensor>([...params].map(([k, v]) => [k, tf.clone(v)]));
    return { weights, losses };
  } finally {
    table.dispose();
    for (const v of params.values()) v.dispose();
  }
}

/** In-scope probability σ(logit) of each (edit, query) feature pair. */
export function pairProbs(w: ScopeWeights, edits: readonly Float32Array[], queries: readonly Float32Array[]): number[] {
  if (edits.length === 0) return [];
  const d = edits[0]!.length;
  const rows = (xs: readonly Float32Array[]) => {
    const flat = new Float32Array(xs.length * d);
    xs.forEach((x, i) => flat.set(x, i * d));
    return tf.tensor2d(flat, [xs.length, d]);
  };
  return Array.from(tf.tidy(() => tf.sigmoid(logits(w, rows(edits), rows(queries))).dataSync() as Float32Array));
}

/** In-scope probability of one query against each edit. */
export function scopeProbs(w: ScopeWeights, edits: readonly Float32Array[], query: Float32Array): number[] {
  return pairProbs(w, edits, edits.map(() => query));
}
