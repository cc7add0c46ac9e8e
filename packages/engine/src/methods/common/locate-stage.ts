// The ForGet family's prepare stage: EAP-IG locating (ForGet §4.1.2, engine/locate) once per relation type,
// from a batch of the dataset's facts of that type ("we employ a batch of knowledge of the same type rather
// than a single piece", App. B.2). Its params are the method's `locate: {...}` group, so every variant of
// a table (k = 1/2/3, learn-only, ForGet-u …) with the same locate options shares one locating run.
import { corruptFacts, type LocateFact } from '../../locate/corrupt';
import { locateMlps, type LocateOptions, type LocateResult } from '../../locate/locate';
import type { MethodContext, MlpLocation, PrepareStage, Request } from '../editor';
import { requestKind } from '../editor';
import { MethodInputError } from './errors';
import { group, int, oneOf, optInt, type ParamsOf } from './params';
import { forgetAsRewrite } from './requests';

export const LOCATE_STAGE = 'locate';

/** The locate options a spec can set (`params.locate`); unset ones take the engine's LOCATE_DEFAULTS. */
export const LOCATE_PROPERTIES = {
  steps: int(5, 'm: interpolation steps on the input embeddings.', { min: 1, max: 64 }),
  metric: oneOf(['nll', 'logit-diff'] as const, 'nll', 'L: NLL of the true answer, or its logit difference against the corrupted answer.'),
  topN: optInt("Edges kept in the circuit (default: 15% of the graph's edges, engine LOCATE_DEFAULTS).", { min: 1 }),
  selection: oneOf(['topn', 'greedy'] as const, 'topn', 'Top-n edges by |score| then prune, or grow greedily from the logits.'),
  degree: oneOf(['count', 'weighted'] as const, 'count', 'MLP degree: in + out edges, or their |score| sum.'),
  maxFacts: int(16, 'Facts per relation type used to locate.', { min: 1 }),
};

export const LOCATE_GROUP = group("EAP-IG locating (ForGet §4): once per relation type, from a batch of the dataset's facts of that type.", LOCATE_PROPERTIES);

export type LocateParams = ParamsOf<typeof LOCATE_PROPERTIES>;

/** Per relation: the ranking and what produced it (written beside the table by the runner). */
export interface LocatedRelation {
  readonly relation: string;
  readonly mlpRanking: number[];
  readonly mlpDegree: number[];
  readonly circuit: { readonly nodes: number; readonly edges: number };
  readonly nFacts: number;
}

export interface LocateOutput extends MlpLocation {
  readonly byRelation: Record<string, number[]>;
  readonly all: number[];
  readonly relations: LocatedRelation[];
}

/** Rank layers by the summed degree over relations (ties: lower layer first). */
export function overallRanking(results: readonly Pick<LocateResult, 'mlpDegree'>[], layers: number): number[] {
  const total = new Array<number>(layers).fill(0);
  for (const r of results) r.mlpDegree.forEach((d, l) => (total[l] = total[l]! + d));
  return total.map((d, l) => ({ d, l })).sort((a, b) => b.d - a.d || a.l - b.l).map((x) => x.l);
}

/** Group the requests' facts by relation id (requests without one share the group ""), in order. Forget
 *  requests count as the fact (question, answer) via their rewrite (common/requests.ts). */
export function factsByRelation(records: readonly Request[]): Map<string, LocateFact[]> {
  const out = new Map<string, LocateFact[]>();
  for (const r0 of records) {
    const r = requestKind(r0) === 'forget' ? forgetAsRewrite(r0 as Extract<Request, { kind: 'forget' }>) : (r0 as Exclude<Request, { kind: 'forget' }>);
    if (r.targetTrue === undefined) continue;
    const rel = r.relationId ?? '';
    const fact: LocateFact = { prompt: r.prompt, subject: r.subject, target: r.targetTrue };
    const g = out.get(rel);
    if (g) g.push(fact);
    else out.set(rel, [fact]);
  }
  return out;
}

/** EAP-IG per relation over the dataset's facts, with the overall ranking as the fallback. */
export const locateStage: PrepareStage<{ readonly locate: LocateParams }, LocateOutput> = {
  name: LOCATE_STAGE,
  reads: 'records',
  inputs: (p) => p.locate,
  run(model, p, input) {
    const groups = factsByRelation(input.records ?? []);
    if (groups.size === 0) throw new MethodInputError('locate: no record has a true target (target_true) to locate its fact');
    const o: LocateOptions = { ...p.locate, seed: input.seed };
    const relations: LocatedRelation[] = [];
    const results: LocateResult[] = [];
    for (const [relation, facts] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      // A relation whose subjects give no corrupted prompt of equal token length with another first
      // answer token cannot be located; it falls back to the overall ranking (`all`).
      if (corruptFacts(model.tokenizer, facts, facts, input.seed).length === 0) continue;
      const r = locateMlps(model, facts, facts, o);
      results.push(r);
      relations.push({ relation, mlpRanking: r.mlpRanking, mlpDegree: r.mlpDegree, circuit: r.circuit, nFacts: r.nFacts });
    }
    if (results.length === 0) throw new MethodInputError('locate: no relation had two subjects of the same token length to build corrupted prompts');
    return {
      byRelation: Object.fromEntries(relations.map((r) => [r.relation, r.mlpRanking])),
      all: overallRanking(results, model.transformer.config.nLayers),
      relations,
    };
  },
};

/** The location the locate stage prepared for this context, if any. */
export function locationOf(ctx: MethodContext): MlpLocation | undefined {
  return ctx.prepared?.[LOCATE_STAGE]?.value as MlpLocation | undefined;
}
