// Inference routes: how a query reaches the network (docs/definitions.md §4, "Inference routes"). A memory-based
// editor changes how the model is queried, not only its weights: SERAC sends an in-scope prompt to a
// counterfactual model with the edit in context (Mitchell et al. 2022, §3), LTE puts the retrieved edit
// descriptors before the prompt (Jiang et al. 2024, §3.2), RECIPE prepends continuous prompt vectors (Chen et
// al. 2024, §3.3). A route installed on a Transformer (Transformer.addRoute) is asked, for each query's prompt
// tokens, whether to answer it differently; scoring (score/score.ts) and generation (generate/generate.ts)
// honour its answer, `forward` does not (it is the bare network that training differentiates). With no route
// installed, scoring and generation run exactly as before (the same batches, the same bytes).
import * as tf from '@tensorflow/tfjs';
import type { HookContext } from '../hooks/context';
import { hookName } from '../hooks/names';
import type { Transformer } from './transformer';

/** Continuous vectors that replace the token embeddings (hook_embed) at positions start … start+P−1 of the ids. */
export interface RouteEmbeds {
  readonly start: number;
  /** [P, d] in the answering model's embedding space; owned by the route's installer. */
  readonly vectors: tf.Tensor2D;
}

/** How one query is answered; every field optional (an empty decision is the default path). */
export interface RouteDecision {
  /** The model that answers (same tokenizer and vocabulary); default: the model the route is installed on. */
  readonly model?: Transformer;
  /** The prompt tokens to feed instead (e.g. the edit descriptor, then the prompt); default: the prompt's. */
  readonly ids?: readonly number[];
  /** Embedding-level prefix (placeholder tokens in `ids` whose embeddings are replaced). */
  readonly embeds?: RouteEmbeds;
}

/** Given a query's prompt tokens (with BOS, if the tokenizer has one), how to answer it; undefined = not routed. */
export type InferenceRoute = (promptIds: readonly number[]) => RouteDecision | undefined;

/** The routes of one model: the last installed is asked first; the first decision wins. */
export class RouteSet {
  private readonly routes: InferenceRoute[] = [];

  /** Install a route; returns an idempotent undo. */
  add(route: InferenceRoute): () => void {
    this.routes.push(route);
    return () => {
      const i = this.routes.indexOf(route);
      if (i >= 0) this.routes.splice(i, 1);
    };
  }

  get size(): number {
    return this.routes.length;
  }

  decide(ids: readonly number[]): RouteDecision | undefined {
    for (let i = this.routes.length - 1; i >= 0; i--) {
      const d = this.routes[i]!(ids);
      if (d) return d;
    }
    return undefined;
  }
}

/** A query: its prompt tokens (with BOS, if the tokenizer has one), plus whatever its caller carries along. */
export interface Query {
  readonly ids: readonly number[];
}

/** A query as its answering model sees it: the routed prompt tokens and the embedding prefix, if any. */
export type Routed<Q extends Query> = Q & { readonly embeds?: RouteEmbeds };

/**
 * Answer queries through the model's routes: group them by answering model (first appearance order), run
 * `answer` once per group on the routed queries (their other fields kept), and return the results in query
 * order. Without routes this is `answer(model, queries)` itself.
 */
export function routed<Q extends Query, T>(model: Transformer, queries: readonly Q[], answer: (m: Transformer, queries: Routed<Q>[]) => T[]): T[] {
  if (model.routeCount === 0) return answer(model, [...queries]);
  const groups = new Map<Transformer, { idx: number[]; queries: Routed<Q>[] }>();
  queries.forEach((q, i) => {
    const d = model.routeFor(q.ids);
    const m = d?.model ?? model;
    let g = groups.get(m);
    if (!g) groups.set(m, (g = { idx: [], queries: [] }));
    g.idx.push(i);
    g.queries.push({ ...q, ids: d?.ids ?? q.ids, ...(d?.embeds ? { embeds: d.embeds } : {}) });
  });
  const out = new Array<T>(queries.length);
  for (const [m, g] of groups) answer(m, g.queries).forEach((r, j) => (out[g.idx[j]!] = r));
  return out;
}

/**
 * The hook context that writes each row's embedding prefix into hook_embed [B, T, d] of a pass whose row b
 * starts its query at position offsets[b] (0 right-padded, the left padding when left-padded); undefined when
 * no row has one. Positions beyond this pass's T are skipped (a KV-cached step never sees the prefix again).
 */
export function embedHooks(rows: readonly (RouteEmbeds | undefined)[], offsets: readonly number[]): HookContext | undefined {
  if (!rows.some(Boolean)) return undefined;
  const name = hookName.embed();
  return {
    has: (n) => n === name,
    point: (n, x) => {
      if (n !== name) return x;
      const [B, T, d] = x.shape as [number, number, number];
      const keep = new Uint8Array(B * T * d);
      const parts = rows.map((e, b) => {
        if (!e) return tf.zeros([T, d]);
        const at = offsets[b]! + e.start;
        const P = Math.min(e.vectors.shape[0], T - at);
        if (P <= 0 || at < 0) return tf.zeros([T, d]);
        keep.fill(1, (b * T + at) * d, (b * T + at + P) * d);
        return tf.pad(tf.slice(e.vectors, [0, 0], [P, d]), [[at, T - at - P], [0, 0]]);
      });
      return tf.where(tf.tensor3d(keep, [B, T, d], 'bool'), tf.stack(parts), x);
    },
  };
}
