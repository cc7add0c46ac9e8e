// RECIPE's retrieval heads and prompt encoder (Chen et al. 2024, §3.2–3.3; qizhou000/RECIPE
// editors/recipe/models.py), on frozen features φ of the base model (common/memory/features.ts) instead of a
// fine-tuned RoBERTa (docs/memory-editors.md "RECIPE"):
//   knowledge rep  k(x) = h + ReLU(W2·h), h = W1·x         (applied to an edit's text, and to the sentinel)
//   query rep      q(x) = h + ReLU(V2·h), h = V1·x
//   prompt         r′ = r + ReLU(U1·r);  U2·r′ reshaped to P × d_model   (r = k(φ(edit)))
//   score          s(q, k) = q·k / √d_rep;  retrieve the top-1 edit when its score beats the sentinel's, s(q, k(KS))
// The knowledge sentinel KS is a learned vector in feature space passed through the knowledge head.
import * as tf from '@tensorflow/tfjs';

export interface RecipeShape {
  /** Feature size (the base model's d). */
  readonly d: number;
  readonly dRep: number;
  /** Prompt vectors per edit. */
  readonly P: number;
  readonly dModel: number;
}

/** Parameter names and shapes (weights [in, out], as the engine's). */
export function recipeShapes(s: RecipeShape): [string, number[]][] {
  return [
    ['k.W1', [s.d, s.dRep]], ['k.W2', [s.dRep, s.dRep]],
    ['q.W1', [s.d, s.dRep]], ['q.W2', [s.dRep, s.dRep]],
    ['p.U1', [s.dRep, s.dRep]], ['p.U2', [s.dRep, s.P * s.dModel]],
    ['ks', [1, s.d]],
  ];
}

export type RecipeWeights = ReadonlyMap<string, tf.Tensor>;

const residual = (w: RecipeWeights, a: string, b: string, x: tf.Tensor2D): tf.Tensor2D => {
  const h = tf.matMul(x, w.get(a) as tf.Tensor2D);
  return tf.add(h, tf.relu(tf.matMul(h, w.get(b) as tf.Tensor2D)));
};

/** Knowledge reps [n, dRep] of features [n, d]. */
export const knowledgeRep = (w: RecipeWeights, x: tf.Tensor2D): tf.Tensor2D => residual(w, 'k.W1', 'k.W2', x);
/** Query reps [n, dRep]. */
export const queryRep = (w: RecipeWeights, x: tf.Tensor2D): tf.Tensor2D => residual(w, 'q.W1', 'q.W2', x);
/** The sentinel's knowledge rep [1, dRep]. */
export const sentinelRep = (w: RecipeWeights): tf.Tensor2D => knowledgeRep(w, w.get('ks') as tf.Tensor2D);

/** Prompt vectors [n, P, dModel] of knowledge reps [n, dRep]. */
export function promptVectors(w: RecipeWeights, r: tf.Tensor2D, s: RecipeShape): tf.Tensor3D {
  const r2 = tf.add(r, tf.relu(tf.matMul(r, w.get('p.U1') as tf.Tensor2D)));
  return tf.reshape(tf.matMul(r2, w.get('p.U2') as tf.Tensor2D), [r.shape[0], s.P, s.dModel]);
}

/** Scores [nq, nk] = q·kᵀ/√dRep. */
export const scores = (q: tf.Tensor2D, k: tf.Tensor2D): tf.Tensor2D => tf.div(tf.matMul(q, k, false, true), Math.sqrt(q.shape[1]));

/** Initial values: W ~ N(0, 1/fan_in) (identity-like heads), U2 scaled to the embeddings' norm, KS ~ N(0, 1). */
export function initRecipe(s: RecipeShape, seed: number, embedStd: number): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  recipeShapes(s).forEach(([name, shape], i) => {
    const scale = name === 'ks' ? 1 : name === 'p.U2' ? embedStd / Math.sqrt(shape[0]!) : 1 / Math.sqrt(shape[0]!);
    out.set(name, tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed + i), scale));
  });
  return out;
}
