// The task graph of one spec. Shared stages (model, dataset, method precomputation) feed cells
// (model × dataset × method variant × protocol × record chunk), which feed the table's rows.
// Every key is sha256 of the canonical JSON of the task's inputs, the versions of the code it
// runs, the seed and the keys of its upstream tasks — so a change anywhere upstream re-keys (and
// reruns) exactly what depends on it, and nothing else.
//
// Building the graph is pure: what it needs from files (model fingerprints, dataset records, the
// environment) is read first by `gatherPlanInputs` (./inputs.ts) and handed in as `PlanInputs`.
import type { CellRecord, Registries, RunContext } from '../registries';
import type { JsonObject, JsonValue } from '../util/json';
import { contentKey } from '../util/json';
import type { Protocol, Spec } from '../experiment-spec/types';
import { metricUses, protocolLabel } from '../experiment-spec/types';
import { chunkSize, requestCount, requestsPerCall } from '../experiment-spec/protocol';
import { corpusLabel } from './corpus';
import { expandMethods, names, pairsWith } from './expand';
import { planCodeVersion } from './provenance';
import type { AxisVariant, MethodVariant } from './expand';
import { withRuleDefaults } from '../experiment-spec/rule-defaults';

interface TaskBase {
  readonly key: string;
  readonly label: string;
  readonly deps: readonly string[];
}

/** A model variant. `build` when the entry has a build stage (pretrain, finetune) that the run executes. */
export interface ModelTask extends TaskBase {
  readonly kind: 'model';
  readonly modelIndex: number;
  readonly build: boolean;
}

/** A dataset variant; its records are in `Plan.records` under the task's key. */
export interface DatasetTask extends TaskBase {
  readonly kind: 'dataset';
  readonly datasetIndex: number;
}

/** A method's precomputation on one model (and, when the stage reads records, one dataset). */
export interface PrepareTask extends TaskBase {
  readonly kind: 'prepare';
  /** The method variant the stage runs with: the first in spec order whose inputs key it. */
  readonly variant: MethodVariant;
  readonly modelIndex: number;
  readonly modelKey: string;
  /** The stage's name among the method's stages (MethodEntry.stages). */
  readonly stage: string;
  /** Set when the stage reads records or the tuning split (`reads: 'records' | 'tuning'`): the dataset it learns from. */
  readonly dataset?: { readonly index: number; readonly key: string };
}

/** A dataset's stage on one model before any edit (DatasetEntry.targets, e.g. self-improvement's
 *  refusal targets written by the model under edit): its value rewrites the records the cells edit. */
export interface TargetsTask extends TaskBase {
  readonly kind: 'targets';
  readonly stage: string;
  readonly modelIndex: number;
  readonly datasetIndex: number;
  readonly datasetKey: string;
}

/** A prepare stage a cell reads: its name (the key of the method's `prepared`) and task key. */
export interface StageRef {
  readonly name: string;
  readonly key: string;
}

export interface CellTask extends TaskBase {
  readonly kind: 'cell';
  readonly row: number;
  readonly chunk: number;
  readonly modelKey: string;
  readonly modelIndex: number;
  readonly datasetKey: string;
  readonly datasetIndex: number;
  readonly variant: MethodVariant;
  readonly protocol: Protocol;
  /** The method's prepare stages, in declaration order. */
  readonly stages: readonly StageRef[];
  /** Records [start, end) of the dataset. */
  readonly start: number;
  readonly end: number;
  /** The key of the targets stage whose value rewrites the cell's records (TargetsTask), if any. */
  readonly targets?: string;
  /** Set when the cell cannot run by construction (e.g. batch larger than the method allows). */
  readonly unsupported?: string;
  /** The seed of this repetition of the method (`seeds:`); absent = the spec's seed. */
  readonly seed?: number;
}

export type StageTask = ModelTask | DatasetTask | PrepareTask | TargetsTask;
export type PlanTask = StageTask | CellTask;
export type TaskKind = PlanTask['kind'];

/** Whether the executor runs (and caches) this stage: model builds and method precomputations. */
export function isExecutedStage(s: StageTask): s is ModelTask | PrepareTask | TargetsTask {
  return s.kind === 'prepare' || s.kind === 'targets' || (s.kind === 'model' && s.build);
}

export interface RowKeys {
  readonly model: string;
  readonly dataset: string;
  readonly method: string;
  readonly hparams: string;
  readonly protocol: string;
}

export interface RowPlan {
  readonly keys: RowKeys;
  readonly cells: readonly string[];
  /** With `seeds:`, the cells of each repetition (`cells` lists them all, seed by seed). */
  readonly seeds?: readonly { readonly seed: number; readonly cells: readonly string[] }[];
  /** The method item's constant columns (`columns:`), when it names any. */
  readonly columns?: Readonly<Record<string, string>>;
}

export interface Plan {
  readonly spec: Spec;
  /** Hash of the resolved spec + code versions: identifies the table (shards must agree on it). */
  readonly planKey: string;
  readonly codeVersion: string;
  readonly environment: JsonObject;
  /** Model variants (matrix expanded); cells refer to them by modelIndex. */
  readonly models: readonly AxisVariant[];
  /** What the meta records about each model variant (`ModelEntry.about`), by label; empty when no entry says anything. */
  readonly modelsAbout: Readonly<Record<string, JsonObject>>;
  /** Dataset variants (matrix expanded); cells refer to them by datasetIndex. */
  readonly datasets: readonly AxisVariant[];
  readonly stages: readonly StageTask[];
  readonly cells: readonly CellTask[];
  readonly rows: readonly RowPlan[];
  /** Records of each dataset task, in order. */
  readonly records: ReadonlyMap<string, readonly CellRecord[]>;
  /** The retain set of each dataset task that names one (`retain:`), handed to the methods. */
  readonly retain: ReadonlyMap<string, readonly CellRecord[]>;
  readonly ctx: RunContext;
}

/** What building a plan reads from files, in spec order (matrix expanded). */
export interface PlanInputs {
  /** Directory of the spec file (relative paths in entries' params resolve against it). */
  readonly specDir: string;
  /** `Registries.environment()`: recorded beside the table; its versions key every task. */
  readonly environment: JsonObject;
  /** Each model variant, the entry's fingerprint of its files, and the identity of its corpus (plan/corpus.ts). */
  readonly models: readonly { readonly variant: AxisVariant; readonly fingerprint: JsonValue; readonly corpus: string; readonly about?: JsonObject }[];
  /** Each dataset variant, its loaded records, and its retain set when the item names one. */
  readonly datasets: readonly { readonly variant: AxisVariant; readonly records: readonly CellRecord[]; readonly retain?: readonly CellRecord[] }[];
}

/** The plan of `spec` from its read inputs: keys, stages, cells and rows (no I/O). */
export function planFromInputs(spec: Spec, reg: Registries, inputs: PlanInputs): Plan {
  const { environment } = inputs;
  const codeVersion = planCodeVersion(environment);
  const ctx: RunContext = { seed: spec.seed, specDir: inputs.specDir };
  const stages: StageTask[] = [];
  const seen = new Set<string>();
  const addStage = (t: StageTask) => {
    if (!seen.has(t.key)) {
      seen.add(t.key);
      stages.push(t);
    }
  };

  const models = inputs.models.map((m) => m.variant);
  const modelKeys: string[] = [];
  for (const [modelIndex, { variant: m, fingerprint }] of inputs.models.entries()) {
    const entry = reg.models.get(m.id)!;
    const key = contentKey({ kind: 'model', id: m.id, version: entry.version, params: m.params, fingerprint, seed: spec.seed, codeVersion });
    modelKeys.push(key);
    const build = entry.build !== undefined;
    addStage({ key, kind: 'model', label: `${entry.build ? `${entry.build.name} ` : 'model '}${m.label}`, deps: [], modelIndex, build });
  }

  const records = new Map<string, readonly CellRecord[]>();
  const retain = new Map<string, readonly CellRecord[]>();
  const datasetKeys: string[] = [];
  const datasets = inputs.datasets.map((d) => d.variant);
  for (const [datasetIndex, { variant: d, records: recs, retain: kept }] of inputs.datasets.entries()) {
    const entry = reg.datasets.get(d.id)!;
    const key = contentKey({
      kind: 'dataset', id: d.id, version: entry.version, params: d.params, records: contentKey(recs), seed: spec.seed, ...(kept ? { retain: contentKey(kept) } : {}),
    });
    records.set(key, recs);
    if (kept) retain.set(key, kept);
    datasetKeys.push(key);
    addStage({ key, kind: 'dataset', label: `dataset ${d.label} (${recs.length} records)`, deps: [], datasetIndex });
  }

  const variants = expandMethods(spec.methods);
  const metricVersions = metricUses(spec).map((u) => ({ ...u, version: reg.metrics.get(u.id)!.version }));
  const cells: CellTask[] = [];
  const rows: RowPlan[] = [];
  models.forEach((model, mi) => {
    const modelKey = modelKeys[mi]!;
    // `defaults: rule`: the params a variant leaves unset take their rule's value on this model.
    const shape = spec.defaults === 'rule' ? reg.models.get(model.id)!.shape?.(model.params, ctx) : undefined;
    datasets.forEach((d, di) => {
      if (!pairsWith(d, model)) return;
      const datasetKey = datasetKeys[di]!;
      const recs = records.get(datasetKey)!;
      const targetStage = reg.datasets.get(d.id)!.targets?.(d.params);
      const targetsKey = targetStage
        ? contentKey({ kind: 'targets', id: d.id, version: reg.datasets.get(d.id)!.version, stage: targetStage.name, model: modelKey, dataset: datasetKey, seed: spec.seed, codeVersion })
        : undefined;
      if (targetStage && targetsKey) {
        addStage({
          key: targetsKey, kind: 'targets', stage: targetStage.name, label: `${targetStage.name} @ ${model.label} on ${d.label}`,
          deps: [modelKey, datasetKey], modelIndex: mi, datasetIndex: di, datasetKey,
        });
      }
      for (const generic of variants) {
        const onDatasets = spec.methods[generic.index]!.datasets;
        if (onDatasets && !names(onDatasets, d.label)) continue;
        const method = reg.methods.get(generic.method)!;
        const variant = shape ? { ...generic, params: withRuleDefaults(method.paramsSchema, generic.params, shape) } : generic;
        const stageRefs: StageRef[] = (method.stages ?? []).map((p) => {
          const onData = p.reads === 'records' || p.reads === 'tuning';
          const key = contentKey({
            kind: 'prepare', id: variant.method, version: method.version, stage: p.name, inputs: p.inputs(variant.params), model: modelKey,
            ...(onData ? { dataset: datasetKey } : {}), ...(p.reads === 'tuning' ? { tuning: true } : {}),
            ...(p.reads === 'corpus' ? { corpus: inputs.models[mi]!.corpus } : {}),
            seed: spec.seed, codeVersion,
          });
          // A stage shared by every variant with the same inputs is named after the method, not a variant.
          const on = p.reads === 'records' ? ` on ${d.label}` : p.reads === 'tuning' ? ` on ${d.label} (tuning split)` : p.reads === 'corpus' ? ` on ${corpusLabel(model)}` : '';
          addStage({
            key, kind: 'prepare', stage: p.name, label: `${p.name} ${p.reads === 'model' ? variant.label : variant.method} @ ${model.label}${on}`,
            deps: onData ? [modelKey, datasetKey] : [modelKey],
            variant, modelIndex: mi, modelKey, ...(onData ? { dataset: { index: di, key: datasetKey } } : {}),
          });
          return { name: p.name, key };
        });
        const prepareKeys = [...stageRefs.map((r) => r.key), ...(targetsKey ? [targetsKey] : [])];
        const only = spec.methods[variant.index]!.protocols;
        for (const protocol of spec.protocols) {
          if (only && !only.includes(protocolLabel(protocol))) continue;
          const size = chunkSize(spec.run.chunk, protocol, recs.length);
          const batch = requestsPerCall(protocol, requestCount(protocol, recs.length));
          const unsupported = method.maxBatch !== undefined && batch > method.maxBatch
            ? `${variant.method} edits at most ${method.maxBatch} request(s) per call; protocol asks for ${batch}`
            : undefined;
          const keys: RowKeys = { model: model.label, dataset: d.label, method: variant.label, hparams: variant.hparams, protocol: protocolLabel(protocol) };
          const rowCells: string[] = [];
          const bySeed: { seed: number; cells: string[] }[] = [];
          // A method with `seeds:` repeats its cells once per seed (the cell's seed, its key's seed);
          // the shared stages keep the spec's seed.
          for (const seed of variant.seeds ?? [undefined]) {
            const seedCells: string[] = [];
            for (let start = 0, chunk = 0; start < recs.length; start += size, chunk++) {
              const end = Math.min(recs.length, start + size);
              const key = contentKey({
                kind: 'cell', model: modelKey, dataset: datasetKey, prepare: prepareKeys.length ? prepareKeys : null,
                method: { id: variant.method, version: method.version, params: variant.params as JsonValue },
                protocol: protocol as unknown as JsonValue, records: recs.slice(start, end).map((r) => r.id),
                metrics: metricVersions, seed: seed ?? spec.seed, codeVersion,
              });
              seedCells.push(key);
              cells.push({
                key, kind: 'cell', row: rows.length, chunk, modelKey, modelIndex: mi, datasetKey, datasetIndex: di, variant, protocol,
                start, end, deps: [modelKey, datasetKey, ...prepareKeys], stages: stageRefs,
                label: `${keys.model} · ${keys.dataset} · ${keys.method}${keys.hparams ? ` [${keys.hparams}]` : ''} · ${keys.protocol}${seed === undefined ? '' : ` · seed ${seed}`} · records ${start}-${end - 1}`,
                ...(unsupported ? { unsupported } : {}),
                ...(seed === undefined ? {} : { seed }),
                ...(targetsKey ? { targets: targetsKey } : {}),
              });
            }
            rowCells.push(...seedCells);
            if (seed !== undefined) bySeed.push({ seed, cells: seedCells });
          }
          const constants = spec.methods[variant.index]!.columns;
          rows.push({ keys, cells: rowCells, ...(bySeed.length ? { seeds: bySeed } : {}), ...(constants ? { columns: constants } : {}) });
        }
      }
    });
  });
  const planKey = contentKey({ spec: spec as unknown as JsonValue, codeVersion, cells: cells.map((c) => c.key) });
  const modelsAbout = Object.fromEntries(inputs.models.flatMap((m) => (m.about ? [[m.variant.label, m.about]] : [])));
  return { spec, planKey, codeVersion, environment, models, modelsAbout, datasets, stages, cells, rows, records, retain, ctx };
}

/** Deterministic slice of the cells for shard `index` of `count` (round-robin over plan order). */
export function shardCells(cells: readonly CellTask[], index: number, count: number): CellTask[] {
  return cells.filter((_c, i) => i % count === index);
}
