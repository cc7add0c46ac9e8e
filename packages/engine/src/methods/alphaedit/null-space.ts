// AlphaEdit's two pieces of state: the null-space projection of each layer's key statistics (computed once per
// statistics matrix and threshold) and the keys of earlier edits per model (upstream cache_c).
import { eigh, mat, type Mat } from '../../linalg/index';
import type { Transformer } from '../../model/transformer';
import { mul, transpose } from '../common/mat64';

export interface NullSpace {
  /** P = Û Ûᵀ (d_mlp × d_mlp). */
  readonly projection: Mat;
  /** Number of eigenvalues below the threshold (the null space's dimension). */
  readonly dim: number;
  /** The discarded eigenvalues (below the threshold), ascending. */
  readonly discarded: Float64Array;
}

const projections = new WeakMap<Float64Array, Map<number, NullSpace>>();

/** The null space of C (m × m) at `threshold` (see alphaedit.ts). */
export function nullSpace(c: Float64Array, m: number, threshold: number): NullSpace {
  let byT = projections.get(c);
  if (!byT) projections.set(c, (byT = new Map()));
  const hit = byT.get(threshold);
  if (hit) return hit;
  const { values, vectors } = eigh(mat(c, m, m));
  let dim = 0;
  while (dim < m && values[dim]! < threshold) dim++;
  const U = new Float64Array(m * dim);
  for (let i = 0; i < m; i++) for (let j = 0; j < dim; j++) U[i * dim + j] = vectors.data[i * m + j]!;
  const Um = mat(U, m, dim);
  const ns: NullSpace = { projection: mul(Um, transpose(Um)), dim, discarded: values.slice(0, dim) };
  byT.set(threshold, ns);
  return ns;
}

const caches = new WeakMap<Transformer, Map<number, Float64Array>>();

/** Σ K Kᵀ of the earlier (not undone) edits of this model at each layer. */
export const editedKeys = {
  get(model: Transformer, layer: number, m: number): Float64Array {
    return caches.get(model)?.get(layer) ?? new Float64Array(m * m);
  },
  /** Add the edit's keys (layer → one vector per request); onUndo puts the previous sums back. */
  add(model: Transformer, keys: ReadonlyMap<number, readonly Float64Array[]>, m: number, onUndo: (f: () => void) => void): void {
    let cache = caches.get(model);
    if (!cache) caches.set(model, (cache = new Map()));
    const c = cache;
    for (const [layer, ks] of keys) {
      const before = c.get(layer);
      const next = before ? before.slice() : new Float64Array(m * m);
      for (const k of ks) for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) next[i * m + j]! += k[i]! * k[j]!;
      c.set(layer, next);
      onUndo(() => {
        if (before) c.set(layer, before);
        else c.delete(layer);
      });
    }
  },
};
