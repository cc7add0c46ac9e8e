// Knowledge-circuit selection from EAP-IG edge scores, dead-node pruning and MLP degrees (ForGet §4.1.2:
// "we employ a greedy algorithm to obtain the knowledge circuit … select the top k MLP components with the
// highest degrees"). Selection follows hannamw/EAP-IG src/eap/graph.py:
//  - 'topn'  (`apply_topn(n, absolute=True)`): the n real edges of largest |score|, then `prune`.
//  - 'greedy' (`apply_greedy(n)`): a max-heap on |score| seeded with the edges into logits; pop the best
//    edge into the circuit, and when its parent joins the circuit for the first time push the parent's
//    incoming edges; n pops (or until the heap is empty), then prune.
// Ties in |score| go to the lower edge index (edges are ordered by (from, to) node id), so selection is
// deterministic. Pruning keeps a node iff it lies on a path input → … → logits inside the selected edges
// (forward reachability from input ∩ backward reachability from logits); an edge is kept iff both its
// ends are. On a DAG this is exactly the fixed point of hannamw's iterative "drop nodes without in- or
// out-edges", computed in one pass each way.
// MLP degree (ForGet does not spell its rule out; docs/forget.md "Choices the paper leaves open"): 'count' =
// in-degree + out-degree of m_l among the kept edges; 'weighted' = Σ |score| over the same edges.
import type { Graph } from './graph';

export type Selection = 'topn' | 'greedy';
export type DegreeKind = 'count' | 'weighted';

export interface Circuit {
  /** Indices into graph.edges of the kept edges, by |score| descending. */
  readonly edges: number[];
  /** Node ids kept (empty when no path input → logits survives). */
  readonly nodes: number[];
}

/** |score| descending, then edge index ascending. */
function better(scores: ArrayLike<number>, graph: Graph, a: number, b: number): boolean {
  const sa = Math.abs(scores[graph.edges[a]!.cell]!);
  const sb = Math.abs(scores[graph.edges[b]!.cell]!);
  return sa > sb || (sa === sb && a < b);
}

/** Top-n edges by |score|. */
function topN(graph: Graph, scores: ArrayLike<number>, n: number): number[] {
  const idx = graph.edges.map((_, i) => i);
  idx.sort((a, b) => (better(scores, graph, a, b) ? -1 : better(scores, graph, b, a) ? 1 : 0));
  return idx.slice(0, Math.max(0, n));
}

/** A binary max-heap of edge indices under `better`. */
class EdgeHeap {
  private readonly h: number[] = [];
  constructor(private readonly gt: (a: number, b: number) => boolean) {}
  get size(): number {
    return this.h.length;
  }
  push(x: number): void {
    const h = this.h;
    h.push(x);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.gt(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): number {
    const h = this.h;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.gt(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.gt(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** hannamw `apply_greedy`: grow from logits backwards by the best |score| edge whose child is in the circuit. */
function greedy(graph: Graph, scores: ArrayLike<number>, n: number): number[] {
  const incoming: number[][] = graph.nodes.map(() => []);
  graph.edges.forEach((e, i) => incoming[e.to]!.push(i));
  const heap = new EdgeHeap((a, b) => better(scores, graph, a, b));
  const inGraph = new Uint8Array(graph.nodes.length);
  inGraph[graph.logitsId] = 1;
  for (const e of incoming[graph.logitsId]!) heap.push(e);
  const out: number[] = [];
  while (out.length < n && heap.size > 0) {
    const e = heap.pop();
    out.push(e);
    const parent = graph.edges[e]!.from;
    if (!inGraph[parent]) {
      inGraph[parent] = 1;
      for (const pe of incoming[parent]!) heap.push(pe);
    }
  }
  return out;
}

/** Keep the selected edges that lie on a path input → … → logits. */
export function pruneDead(graph: Graph, selected: readonly number[]): Circuit {
  const N = graph.nodes.length;
  const outAdj: number[][] = Array.from({ length: N }, () => []);
  const inAdj: number[][] = Array.from({ length: N }, () => []);
  for (const i of selected) {
    const e = graph.edges[i]!;
    outAdj[e.from]!.push(e.to);
    inAdj[e.to]!.push(e.from);
  }
  const reach = (start: number, adj: number[][]): Uint8Array => {
    const seen = new Uint8Array(N);
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      for (const v of adj[stack.pop()!]!) if (!seen[v]) (seen[v] = 1), stack.push(v);
    }
    return seen;
  };
  const fwd = reach(graph.inputId, outAdj);
  const bwd = reach(graph.logitsId, inAdj);
  const edges = selected.filter((i) => fwd[graph.edges[i]!.from] && bwd[graph.edges[i]!.to]);
  const keep = new Uint8Array(N);
  for (const i of edges) keep[graph.edges[i]!.from] = keep[graph.edges[i]!.to] = 1;
  const nodes: number[] = [];
  for (let v = 0; v < N; v++) if (keep[v]) nodes.push(v);
  return { edges, nodes };
}

/** Select n edges ('topn' or 'greedy') and prune dead nodes. */
export function selectCircuit(graph: Graph, scores: ArrayLike<number>, n: number, selection: Selection): Circuit {
  const picked = selection === 'greedy' ? greedy(graph, scores, n) : topN(graph, scores, n);
  const c = pruneDead(graph, picked);
  const edges = c.edges.slice().sort((a, b) => (better(scores, graph, a, b) ? -1 : better(scores, graph, b, a) ? 1 : 0));
  return { edges, nodes: c.nodes };
}

/** Per MLP layer: in-degree + out-degree in the circuit, and the same edges' Σ |score|. */
export function mlpDegrees(graph: Graph, scores: ArrayLike<number>, circuit: Circuit): { count: number[]; weighted: number[] } {
  const count = new Array<number>(graph.nLayers).fill(0);
  const weighted = new Array<number>(graph.nLayers).fill(0);
  for (const i of circuit.edges) {
    const e = graph.edges[i]!;
    const w = Math.abs(scores[e.cell]!);
    for (const end of [e.from, e.to]) {
      const node = graph.nodes[end]!;
      if (node.kind !== 'mlp') continue;
      count[node.layer]! += 1;
      weighted[node.layer]! += w;
    }
  }
  return { count, weighted };
}

/**
 * MLP layers best first: by the chosen degree, ties by the other one (count → weighted, as the brief asks;
 * weighted → count), then the lower layer.
 */
export function rankMlps(deg: { count: number[]; weighted: number[] }, kind: DegreeKind): number[] {
  const [p, s] = kind === 'count' ? [deg.count, deg.weighted] : [deg.weighted, deg.count];
  return p.map((_, l) => l).sort((a, b) => p[b]! - p[a]! || s[b]! - s[a]! || a - b);
}

