// The computational graph of EAP / EAP-IG (Syed et al. 2024, "Attribution patching outperforms automated
// circuit discovery"; Hanna et al. 2024, "Have faith in faithfulness", code hannamw/EAP-IG src/eap/graph.py):
// the residual stream seen as a DAG of writers and readers.
//
// Nodes: `input` (the embeddings), attention heads `a{l}.h{i}`, MLPs `m{l}`, `logits`.
// A node u *writes* to the residual stream (u is a "forward"/source node: input, heads, MLPs) and a node v
// *reads* it (v is a "backward"/destination node: heads, MLPs, logits). Edge u→v exists when v reads the
// residual stream after u wrote it:
//   input       → every head, every MLP, logits
//   head a{l}.h → heads of layers > l, MLPs of layers ≥ l (the same layer's MLP reads resid_mid, which
//                 contains this layer's heads: GPT-2 / Llama blocks are not parallel), logits
//   MLP m{l}    → heads of layers > l, MLPs of layers > l, logits
// Index layout as in hannamw/EAP-IG: sources [input, (a{l}.h0 … a{l}.h{H−1}, m{l}) for l = 0…L−1] so that
// fwd(m_l) = 1 + l(H+1) + H; destinations [(a{l}.h0 … a{l}.h{H−1}, m{l}) for l, logits]. EAP-IG has three
// destination inputs per head (q, k, v); the engine exposes one per-head input (`blocks.l.hook_attn_in`, from
// which q, k and v are all computed), so a head has one destination and its score is the sum of the three
// q/k/v edge scores of EAP-IG (∂L/∂attn_in[h] = ∂L/∂q_in + ∂L/∂k_in + ∂L/∂v_in by the chain rule).

export type NodeKind = 'input' | 'head' | 'mlp' | 'logits';

export interface GraphNode {
  readonly name: string;
  readonly kind: NodeKind;
  /** Layer of a head or MLP; −1 for input, L for logits. */
  readonly layer: number;
  /** Head index of a head, else −1. */
  readonly head: number;
  /** Index among sources (writers), or −1 for logits. */
  readonly src: number;
  /** Index among destinations (readers), or −1 for input. */
  readonly dst: number;
}

export interface GraphEdge {
  /** Node ids (indices into Graph.nodes). */
  readonly from: number;
  readonly to: number;
  /** Index into the [nSrc, nDst] score matrix: src(from) · nDst + dst(to). */
  readonly cell: number;
}

export interface Graph {
  readonly nLayers: number;
  readonly nHeads: number;
  /** Node ids: 0 = input, then per layer heads then MLP, last = logits. */
  readonly nodes: readonly GraphNode[];
  readonly nSrc: number;
  readonly nDst: number;
  /** Every real edge, ordered by (from, to). */
  readonly edges: readonly GraphEdge[];
  readonly inputId: number;
  readonly logitsId: number;
  /** Node id by name ('input', 'a1.h3', 'm2', 'logits'). */
  id(name: string): number;
  /** The edge from → to (node names), or undefined when it is not a real edge. */
  edge(from: string, to: string): GraphEdge | undefined;
}

export const headNodeName = (l: number, h: number): string => `a${l}.h${h}`;
export const mlpNodeName = (l: number): string => `m${l}`;

/** The EAP graph of a model with nLayers blocks of nHeads heads each. */
export function buildGraph(nLayers: number, nHeads: number): Graph {
  const nodes: GraphNode[] = [{ name: 'input', kind: 'input', layer: -1, head: -1, src: 0, dst: -1 }];
  let src = 1;
  let dst = 0;
  for (let l = 0; l < nLayers; l++) {
    for (let h = 0; h < nHeads; h++) nodes.push({ name: headNodeName(l, h), kind: 'head', layer: l, head: h, src: src++, dst: dst++ });
    nodes.push({ name: mlpNodeName(l), kind: 'mlp', layer: l, head: -1, src: src++, dst: dst++ });
  }
  nodes.push({ name: 'logits', kind: 'logits', layer: nLayers, head: -1, src: -1, dst: dst++ });
  const nSrc = src;
  const nDst = dst;
  const edges: GraphEdge[] = [];
  for (let u = 0; u < nodes.length; u++) {
    for (let v = 0; v < nodes.length; v++) {
      if (isRealEdge(nodes[u]!, nodes[v]!)) edges.push({ from: u, to: v, cell: nodes[u]!.src * nDst + nodes[v]!.dst });
    }
  }
  const byName = new Map(nodes.map((n, i) => [n.name, i]));
  const byPair = new Map(edges.map((e) => [`${e.from}>${e.to}`, e]));
  const id = (name: string): number => {
    const i = byName.get(name);
    if (i === undefined) throw new Error(`no node '${name}' in a graph of ${nLayers} layers × ${nHeads} heads`);
    return i;
  };
  return {
    nLayers, nHeads, nodes, nSrc, nDst, edges, inputId: 0, logitsId: nodes.length - 1, id,
    edge: (from, to) => byPair.get(`${id(from)}>${id(to)}`),
  };
}

/** u → v is an edge of the residual-stream DAG (see the header). */
function isRealEdge(u: GraphNode, v: GraphNode): boolean {
  if (u.kind === 'logits' || v.kind === 'input') return false;
  if (u.kind === 'input' || v.kind === 'logits') return true;
  if (v.kind === 'head') return u.layer < v.layer; // heads read resid_pre: writers of earlier layers
  // v is an MLP: it reads resid_mid, which holds earlier layers and this layer's heads.
  return u.kind === 'head' ? u.layer <= v.layer : u.layer < v.layer;
}
