// Method registry entries over the engine's methods (packages/engine/src/methods): each MethodDef
// becomes a runner MethodEntry. Methods that edit at located MLPs (`needsLocation`, the ForGet
// family) get a shared `locate` stage: EAP-IG over a batch of the dataset's facts per relation type
// (ForGet §4, engine/locate), keyed by model × dataset × the locate options, so every variant of a
// table (k = 1/2/3, learn-only, ForGet-u …) reuses one locating run.
import { corruptFacts, locateMlps, type EditRequest as EngineRequest, type LocateFact, type LocateOptions, type LocateResult, type MethodDef, type MlpLocation } from '@editlab/engine';
import { rewriteOf, type CellRecord, type JsonSchema, type MethodEntry, type PrepareStage } from '../registries';
import { RunnerError } from '../errors';
import type { JsonObject, JsonValue } from '../util/json';
import type { EngineModel } from './engine';

/** The locate options a spec can set (`params.locate`), with the defaults of the ForGet runs here. */
export const LOCATE_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'EAP-IG locating (ForGet §4): once per relation type, from a batch of the dataset\'s facts of that type.',
  properties: {
    steps: { type: 'integer', minimum: 1, maximum: 64, default: 5, description: 'm: interpolation steps on the input embeddings.' },
    metric: { enum: ['nll', 'logit-diff'], default: 'nll', description: 'L: NLL of the true answer, or its logit difference against the corrupted answer.' },
    topN: { type: 'integer', minimum: 1, description: 'Edges kept in the circuit (default: 15% of the graph\'s edges, engine LOCATE_DEFAULTS).' },
    selection: { enum: ['topn', 'greedy'], default: 'topn', description: 'Top-n edges by |score| then prune, or grow greedily from the logits.' },
    degree: { enum: ['count', 'weighted'], default: 'count', description: 'MLP degree: in + out edges, or their |score| sum.' },
    maxFacts: { type: 'integer', minimum: 1, default: 16, description: 'Facts per relation type used to locate.' },
  },
};

/** Per relation: the ranking and what produced it (written beside the table by the report). */
export interface LocatedRelation {
  readonly relation: string;
  readonly mlpRanking: number[];
  readonly mlpDegree: number[];
  readonly circuit: { readonly nodes: number; readonly edges: number };
  readonly nFacts: number;
}

export interface LocateOutput {
  readonly byRelation: Record<string, number[]>;
  readonly all: number[];
  readonly relations: LocatedRelation[];
}

/** Rank layers by the summed degree over relations (ties: lower layer first). */
export function overallRanking(results: readonly LocateResult[], layers: number): number[] {
  const total = new Array<number>(layers).fill(0);
  for (const r of results) r.mlpDegree.forEach((d, l) => (total[l] = total[l]! + d));
  return total.map((d, l) => ({ d, l })).sort((a, b) => b.d - a.d || a.l - b.l).map((x) => x.l);
}

function factOf(r: CellRecord): LocateFact | undefined {
  const q = r.request;
  if (q.kind === 'forget') return undefined;
  return q.targetTrue !== undefined ? { prompt: q.prompt, subject: q.subject, target: q.targetTrue } : undefined;
}

/** Group the dataset's facts by relation id (records without one share the group ""), in record order. */
export function factsByRelation(records: readonly CellRecord[]): Map<string, LocateFact[]> {
  const out = new Map<string, LocateFact[]>();
  for (const r of records) {
    const f = factOf(r);
    if (!f) continue;
    const rel = rewriteOf(r.request).relationId ?? '';
    const group = out.get(rel);
    if (group) group.push(f);
    else out.set(rel, [f]);
  }
  return out;
}

/** The spec's `locate:` options are LocateOptions by name (LOCATE_SCHEMA); unset ones take the engine's defaults. */
function locate(m: EngineModel, facts: readonly LocateFact[], o: JsonObject, seed: number): LocateResult {
  return locateMlps(m, facts, facts, { ...(o as Omit<LocateOptions, 'seed'>), seed });
}

export const locateStage: PrepareStage = {
  name: 'locate',
  usesRecords: true,
  inputs: (params) => (params['locate'] ?? {}) as JsonValue,
  async run(model, params, ctx, records) {
    if (!records) throw new RunnerError('DATA', 'locate: the stage needs the dataset\'s records');
    const m = model.model as EngineModel;
    const o = (params['locate'] ?? {}) as JsonObject;
    const groups = factsByRelation(records);
    if (groups.size === 0) throw new RunnerError('DATA', 'locate: no record has a true target (target_true) to locate its fact');
    const relations: LocatedRelation[] = [];
    const results: LocateResult[] = [];
    for (const [relation, facts] of [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      // A relation whose subjects give no corrupted prompt of equal token length with another first
      // answer token cannot be located; it falls back to the overall ranking (`all`).
      if (corruptFacts(m.tokenizer, facts, facts, ctx.seed).length === 0) continue;
      const r = locate(m, facts, o, ctx.seed);
      results.push(r);
      relations.push({ relation, mlpRanking: r.mlpRanking, mlpDegree: r.mlpDegree, circuit: r.circuit, nFacts: r.nFacts });
    }
    if (results.length === 0) throw new RunnerError('DATA', 'locate: no relation had two subjects of the same token length to build corrupted prompts');
    const out: LocateOutput = {
      byRelation: Object.fromEntries(relations.map((r) => [r.relation, r.mlpRanking])),
      all: overallRanking(results, m.transformer.config.nLayers),
      relations,
    };
    return out as unknown as JsonValue;
  },
};

function withLocate(schema: JsonSchema): JsonSchema {
  const s = schema as { properties?: Record<string, JsonSchema> };
  return { ...schema, properties: { ...(s.properties ?? {}), locate: LOCATE_SCHEMA } } as JsonSchema;
}

export function methodEntry(def: MethodDef): MethodEntry {
  return {
    id: def.id,
    version: def.version,
    description: def.description,
    paramsSchema: def.needsLocation ? withLocate(def.paramsSchema as JsonSchema) : (def.paramsSchema as JsonSchema),
    ...(def.maxBatch !== undefined ? { maxBatch: def.maxBatch } : {}),
    ...(def.needsLocation ? { prepare: locateStage } : {}),
    create(params, ctx) {
      const { locate: _locate, ...own } = params;
      const prepared = ctx.prepared as unknown as LocateOutput | undefined;
      const location: MlpLocation | undefined = prepared ? { byRelation: prepared.byRelation, all: prepared.all } : undefined;
      if (def.needsLocation && !location) throw new RunnerError('DATA', `${def.id}: the locate stage gave no result`);
      return {
        async apply(model, requests) {
          return def.apply(model.model as EngineModel, requests.map((q): EngineRequest => rewriteOf(q, def.id)), own, { seed: ctx.seed, ...(location ? { location } : {}) });
        },
      };
    },
  };
}
