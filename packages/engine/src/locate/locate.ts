// locateMlps: ForGet's editing-location discovery (ForGet §4.1.2 and appendix B.2): EAP-IG edge scores
// over a batch of facts of one relation ("we employ a batch of knowledge of the same type rather than a
// single piece … ensures the robustness and resilience of the identified knowledge circuits"), a
// knowledge circuit selected from them, and the MLP layers ranked by their degree in it (ForGet takes the
// top k: k = 1 for Llama-2-7b, k = 2 for Qwen2-7b).
import type { EditModel } from '../methods/editor';
import { ModelConfigError } from '../model/errors';
import { Rng } from '../model/prng';
import { attributeEdges } from './attribute';
import { mlpDegrees, rankMlps, selectCircuit, type DegreeKind, type Selection } from './circuit';
import { corruptFacts, type LocateFact } from './corrupt';
import type { LocateMetric } from './metric';

export interface LocateOptions {
  /** m, IG interpolation steps on the input embeddings (default 5: Hanna et al. 2024 report EAP-IG
   * faithfulness saturating at a handful of steps; the completeness test in attribute.spec.ts measures the
   * Riemann-sum error at m = 5 against m = 50). */
  readonly steps?: number;
  /** L of eq. 3 (default 'nll'; metric.ts says why). */
  readonly metric?: LocateMetric;
  /** Edges kept. Default: 15% of the real edges, rounded up (32 of 207 for 4 layers × 4 heads). Knowledge-
   * Circuits keeps 5000 edges of GPT-2 medium's graph (a few %); on a graph of ~200 edges a few % is a
   * handful of edges and most MLPs would tie at degree 0, while keeping most edges makes every MLP's degree
   * its graph degree; 15% keeps the circuit sparse and still gives every layer a chance to appear. */
  readonly topN?: number;
  /** 'topn' (default: KnowledgeCircuits' `apply_topn`) or 'greedy' (ForGet's wording, hannamw `apply_greedy`). */
  readonly selection?: Selection;
  /** MLP degree: 'count' (in + out edges in the circuit, default) or 'weighted' (Σ |score| of those edges). */
  readonly degree?: DegreeKind;
  /** Facts used at most (default 16), taken in a seeded shuffle of `facts` among those with a valid corruption. */
  readonly maxFacts?: number;
  /** Facts per forward/backward batch (default 16). */
  readonly batchSize?: number;
  /** Seeds the fact order and the corruption partners. */
  readonly seed: number;
}

export interface LocateResult {
  /** MLP layers by degree, best first (ties: the other degree, then the lower layer). */
  readonly mlpRanking: number[];
  /** The chosen degree per layer. */
  readonly mlpDegree: number[];
  /** Kept nodes (input and logits included) and edges after pruning. */
  readonly circuit: { readonly nodes: number; readonly edges: number };
  /** The circuit's edges by |score| descending; node names 'input', 'a1.h3', 'm2', 'logits'. */
  readonly topEdges: { from: string; to: string; score: number }[];
  /** Facts actually used (those with a valid corruption, at most maxFacts). */
  readonly nFacts: number;
  /** Mean L over the used facts on the clean and the corrupted prompts (the corruption's effect). */
  readonly loss: { readonly clean: number; readonly corrupted: number };
}

export const LOCATE_DEFAULTS = { steps: 5, metric: 'nll', selection: 'topn', degree: 'count', maxFacts: 16, batchSize: 16, topNFraction: 0.15 } as const;

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new ModelConfigError(`locate: ${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Rank the model's MLP layers by their degree in the knowledge circuit of `facts` (one relation), with
 * corrupted prompts made from `pool` subjects (corrupt.ts). Deterministic for a seed; leaves no tensors.
 */
export function locateMlps(model: EditModel, facts: readonly LocateFact[], pool: readonly LocateFact[], opts: LocateOptions): LocateResult {
  const steps = positiveInt('steps', opts.steps ?? LOCATE_DEFAULTS.steps);
  const maxFacts = positiveInt('maxFacts', opts.maxFacts ?? LOCATE_DEFAULTS.maxFacts);
  const batchSize = positiveInt('batchSize', opts.batchSize ?? LOCATE_DEFAULTS.batchSize);
  const metric = opts.metric ?? LOCATE_DEFAULTS.metric;
  const selection = opts.selection ?? LOCATE_DEFAULTS.selection;
  const degree = opts.degree ?? LOCATE_DEFAULTS.degree;
  if (metric !== 'nll' && metric !== 'logit-diff') throw new ModelConfigError(`locate: metric must be 'nll' or 'logit-diff', got '${String(metric)}'`);
  if (selection !== 'topn' && selection !== 'greedy') throw new ModelConfigError(`locate: selection must be 'topn' or 'greedy', got '${String(selection)}'`);
  if (degree !== 'count' && degree !== 'weighted') throw new ModelConfigError(`locate: degree must be 'count' or 'weighted', got '${String(degree)}'`);
  const { transformer, tokenizer } = model;
  const maxSeq = transformer.config.maxSeq;

  const order = new Rng(opts.seed).shuffle(facts);
  const items = corruptFacts(tokenizer, order, pool, opts.seed)
    .filter((x) => x.clean.length <= maxSeq)
    .slice(0, maxFacts);
  if (items.length === 0) {
    throw new ModelConfigError(
      `locate: none of the ${facts.length} facts has a corruption partner in the pool of ${pool.length} ` +
        '(another subject giving a prompt of the same token length, with a different first answer token)',
    );
  }
  const att = attributeEdges(transformer, items, { steps, metric, batchSize });
  const { graph, scores } = att;
  const topN = positiveInt('topN', opts.topN ?? Math.ceil(LOCATE_DEFAULTS.topNFraction * graph.edges.length));
  const circuit = selectCircuit(graph, scores, topN, selection);
  const deg = mlpDegrees(graph, scores, circuit);
  return {
    mlpRanking: rankMlps(deg, degree),
    mlpDegree: degree === 'count' ? deg.count : deg.weighted,
    circuit: { nodes: circuit.nodes.length, edges: circuit.edges.length },
    topEdges: circuit.edges.map((i) => {
      const e = graph.edges[i]!;
      return { from: graph.nodes[e.from]!.name, to: graph.nodes[e.to]!.name, score: scores[e.cell]! };
    }),
    nFacts: att.nFacts,
    loss: { clean: att.cleanLoss, corrupted: att.corruptLoss },
  };
}
