// Circuit selection, pruning and MLP degrees on hand-built score tables (hand-computed expectations).
import { describe, expect, it } from 'vitest';
import { mlpDegrees, rankMlps, selectCircuit, type Selection } from './circuit';
import { buildGraph, type Graph } from './graph';

/** A score table over g's [nSrc, nDst] cells from { 'from>to': score }; every other edge scores 0. */
function table(g: Graph, s: Record<string, number>): Float64Array {
  const out = new Float64Array(g.nSrc * g.nDst);
  for (const [k, v] of Object.entries(s)) {
    const [from, to] = k.split('>') as [string, string];
    const e = g.edge(from, to);
    if (!e) throw new Error(`not an edge: ${k}`);
    out[e.cell] = v;
  }
  return out;
}

const names = (g: Graph, ids: number[]): string[] => ids.map((i) => g.nodes[i]!.name);
const edgeNames = (g: Graph, idx: number[]): string[] => idx.map((i) => `${g.nodes[g.edges[i]!.from]!.name}>${g.nodes[g.edges[i]!.to]!.name}`);

describe('EAP graph', () => {
  it('has the residual-stream edges of hannamw/EAP-IG (one input per head)', () => {
    const g = buildGraph(2, 1);
    expect(g.nodes.map((n) => n.name)).toEqual(['input', 'a0.h0', 'm0', 'a1.h0', 'm1', 'logits']);
    expect(edgeNames(g, g.edges.map((_, i) => i))).toEqual([
      'input>a0.h0', 'input>m0', 'input>a1.h0', 'input>m1', 'input>logits',
      'a0.h0>m0', 'a0.h0>a1.h0', 'a0.h0>m1', 'a0.h0>logits',
      'm0>a1.h0', 'm0>m1', 'm0>logits',
      'a1.h0>m1', 'a1.h0>logits',
      'm1>logits',
    ]);
    // 4 layers × 4 heads: 21 input edges + heads 4·(17+12+7+2) + MLPs 16+11+6+1 = 207.
    const g4 = buildGraph(4, 4);
    expect([g4.nSrc, g4.nDst, g4.edges.length]).toEqual([21, 21, 207]);
    expect(g4.nodes[g4.id('m2')]!.src).toBe(1 + 2 * 5 + 4); // fwd(m_l) = 1 + l(H+1) + H
    expect(g4.edge('a1.h3', 'm1')).toBeDefined(); // a head feeds its own layer's MLP
    expect(g4.edge('a1.h3', 'a1.h0')).toBeUndefined();
    expect(g4.edge('m1', 'a1.h0')).toBeUndefined();
    expect(g4.edge('m1', 'm1')).toBeUndefined();
  });
});

describe('circuit selection and MLP degree', () => {
  // input→m0 5, m0→m1 −4, input→a1.h0 3.5, m1→logits 3, a0.h0→a1.h0 2.5, m0→logits 1, a1.h0→logits 0.2,
  // input→a0.h0 0.1, every other edge 0.
  const g = buildGraph(2, 1);
  const scores = table(g, {
    'input>m0': 5, 'm0>m1': -4, 'input>a1.h0': 3.5, 'm1>logits': 3, 'a0.h0>a1.h0': 2.5,
    'm0>logits': 1, 'a1.h0>logits': 0.2, 'input>a0.h0': 0.1,
  });
  const run = (n: number, sel: Selection) => {
    const c = selectCircuit(g, scores, n, sel);
    return { edges: edgeNames(g, c.edges), nodes: names(g, c.nodes), deg: mlpDegrees(g, scores, c), c };
  };

  it('topn 5: the 5 largest |score| minus dead ends (a1.h0 has no way out, a0.h0 no way in)', () => {
    // top 5 = input→m0, m0→m1, input→a1.h0, m1→logits, a0.h0→a1.h0; a1.h0 reaches no logits, a0.h0 no input.
    const r = run(5, 'topn');
    expect(r.edges).toEqual(['input>m0', 'm0>m1', 'm1>logits']);
    expect(r.nodes).toEqual(['input', 'm0', 'm1', 'logits']);
    expect(r.deg).toEqual({ count: [2, 2], weighted: [9, 7] });
    expect(rankMlps(r.deg, 'count')).toEqual([0, 1]); // tie on count → weighted 9 > 7
  });

  it('greedy 5: grows from logits — m1→logits, m0→m1, input→m0, m0→logits, a1.h0→logits; a1.h0 then pruned', () => {
    const r = run(5, 'greedy');
    expect(r.edges).toEqual(['input>m0', 'm0>m1', 'm1>logits', 'm0>logits']);
    expect(r.nodes).toEqual(['input', 'm0', 'm1', 'logits']);
    expect(r.deg).toEqual({ count: [3, 2], weighted: [10, 7] });
  });

  it('greedy 6 adds input→a1.h0 (now a1.h0 lies on a path); topn 6 adds m0→logits instead', () => {
    const gr = run(6, 'greedy');
    expect(gr.edges).toEqual(['input>m0', 'm0>m1', 'input>a1.h0', 'm1>logits', 'm0>logits', 'a1.h0>logits']);
    expect(gr.nodes).toEqual(['input', 'm0', 'a1.h0', 'm1', 'logits']);
    const tn = run(6, 'topn');
    expect(tn.edges).toEqual(['input>m0', 'm0>m1', 'm1>logits', 'm0>logits']);
    expect(tn.deg.count).toEqual([3, 2]);
  });

  it('an empty circuit when nothing connects input to logits', () => {
    const r = run(1, 'topn'); // only input→m0
    expect(r.edges).toEqual([]);
    expect(r.nodes).toEqual([]);
    expect(r.deg).toEqual({ count: [0, 0], weighted: [0, 0] });
    expect(rankMlps(r.deg, 'count')).toEqual([0, 1]); // all tied → lower layer first
  });

  it('ranks by the chosen degree, ties by the other, then the lower layer', () => {
    const deg = { count: [2, 3, 3, 0, 2], weighted: [5, 1, 2, 0, 5] };
    expect(rankMlps(deg, 'count')).toEqual([2, 1, 0, 4, 3]);
    expect(rankMlps(deg, 'weighted')).toEqual([0, 4, 2, 1, 3]);
  });
});
