// The task graph of one spec. Shared stages (model, dataset, method precomputation) feed cells
// (model × dataset × method variant × protocol × record chunk), which feed the table's rows.
// Every key is sha256 of the canonical JSON of the task's inputs, the versions of the code it
// runs, the seed and the keys of its upstream tasks — so a change anywhere upstream re-keys (and
// reruns) exactly what depends on it, and nothing else.
import type { CellRecord, Registries, RunContext } from '../registries';
import type { JsonObject, JsonValue } from '../util/json';
import { contentKey } from '../util/json';
import type { Protocol, Spec } from '../experiment-spec/types';
import { metricUses, protocolLabel } from '../experiment-spec/types';
import { expandAxis, expandMethods } from './expand';
import { planCodeVersion } from './provenance';
import type { AxisVariant, MethodVariant } from './expand';

export type TaskKind = 'model' | 'dataset' | 'prepare' | 'cell';

export interface PlanTask {
  readonly key: string;
  readonly kind: TaskKind;
  readonly label: string;
  readonly deps: readonly string[];
  /** Model stages: which model variant; `build` when the stage runs the entry's build (pretrain, finetune). */
  readonly modelIndex?: number;
  readonly build?: boolean;
}

export interface CellTask extends PlanTask {
  readonly kind: 'cell';
  readonly row: number;
  readonly chunk: number;
  readonly modelKey: string;
  readonly modelIndex: number;
  readonly datasetKey: string;
  readonly datasetIndex: number;
  readonly variant: MethodVariant;
  readonly protocol: Protocol;
  readonly prepareKey?: string;
  /** Records [start, end) of the dataset. */
  readonly start: number;
  readonly end: number;
  /** Set when the cell cannot run by construction (e.g. batch larger than the method allows). */
  readonly unsupported?: string;
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
}

export interface Plan {
  readonly spec: Spec;
  /** Hash of the resolved spec + code versions: identifies the table (shards must agree on it). */
  readonly planKey: string;
  readonly codeVersion: string;
  readonly environment: JsonObject;
  /** Model variants (matrix expanded); cells refer to them by modelIndex. */
  readonly models: readonly AxisVariant[];
  /** Dataset variants (matrix expanded); cells refer to them by datasetIndex. */
  readonly datasets: readonly AxisVariant[];
  readonly stages: readonly PlanTask[];
  readonly cells: readonly CellTask[];
  readonly rows: readonly RowPlan[];
  /** Records of each dataset task, in order. */
  readonly records: ReadonlyMap<string, readonly CellRecord[]>;
  readonly ctx: RunContext;
}

/** Records per cell: the spec's chunk, rounded up to whole sequential runs or batches. */
export function chunkSize(chunk: number, p: Protocol): number {
  const unit = p.kind === 'sequential' ? p.T : p.kind === 'batch' ? p.size : 1;
  return Math.ceil(chunk / unit) * unit;
}

export async function buildPlan(spec: Spec, reg: Registries, specDir: string): Promise<Plan> {
  const environment = await reg.environment();
  const codeVersion = planCodeVersion(environment);
  const ctx: RunContext = { seed: spec.seed, specDir };
  const stages: PlanTask[] = [];
  const seen = new Set<string>();
  const addStage = (t: PlanTask) => {
    if (!seen.has(t.key)) {
      seen.add(t.key);
      stages.push(t);
    }
  };

  const models = expandAxis(spec.models);
  const modelKeys: string[] = [];
  for (const [modelIndex, m] of models.entries()) {
    const entry = reg.models.get(m.id)!;
    const fingerprint = await entry.fingerprint(m.params, ctx);
    const key = contentKey({ kind: 'model', id: m.id, version: entry.version, params: m.params, fingerprint, seed: spec.seed, codeVersion });
    modelKeys.push(key);
    const build = entry.build !== undefined;
    addStage({ key, kind: 'model', label: `${build ? `${entry.build!.name} ` : 'model '}${m.label}`, deps: [], modelIndex, ...(build ? { build } : {}) });
  }

  const records = new Map<string, readonly CellRecord[]>();
  const datasetKeys: string[] = [];
  const datasets = expandAxis(spec.datasets);
  for (const d of datasets) {
    const entry = reg.datasets.get(d.id)!;
    const recs = await entry.load(d.params, ctx);
    const key = contentKey({ kind: 'dataset', id: d.id, version: entry.version, params: d.params, records: contentKey(recs), seed: spec.seed });
    records.set(key, recs);
    datasetKeys.push(key);
    addStage({ key, kind: 'dataset', label: `dataset ${d.label} (${recs.length} records)`, deps: [] });
  }

  const variants = expandMethods(spec.methods);
  const metricVersions = metricUses(spec).map((u) => ({ ...u, version: reg.metrics.get(u.id)!.version }));
  const cells: CellTask[] = [];
  const rows: RowPlan[] = [];
  models.forEach((model, mi) => {
    const modelKey = modelKeys[mi]!;
    datasets.forEach((d, di) => {
      const datasetKey = datasetKeys[di]!;
      const recs = records.get(datasetKey)!;
      for (const variant of variants) {
        const method = reg.methods.get(variant.method)!;
        let prepareKey: string | undefined;
        if (method.prepare) {
          const p = method.prepare;
          prepareKey = contentKey({
            kind: 'prepare', id: variant.method, version: method.version, stage: p.name, inputs: p.inputs(variant.params), model: modelKey,
            ...(p.usesRecords ? { dataset: datasetKey } : {}), seed: spec.seed, codeVersion,
          });
          addStage({
            // A stage shared by every variant with the same inputs is named after the method, not a variant.
            key: prepareKey, kind: 'prepare', label: p.usesRecords ? `${p.name} ${variant.method} @ ${model.label} on ${d.label}` : `${p.name} ${variant.label} @ ${model.label}`,
            deps: p.usesRecords ? [modelKey, datasetKey] : [modelKey],
          });
        }
        for (const protocol of spec.protocols) {
          const size = chunkSize(spec.run.chunk, protocol);
          const batch = protocol.kind === 'batch' ? protocol.size : 1;
          const unsupported = method.maxBatch !== undefined && batch > method.maxBatch
            ? `${variant.method} edits at most ${method.maxBatch} request(s) per call; protocol asks for ${batch}`
            : undefined;
          const keys: RowKeys = { model: model.label, dataset: d.label, method: variant.label, hparams: variant.hparams, protocol: protocolLabel(protocol) };
          const rowCells: string[] = [];
          for (let start = 0, chunk = 0; start < recs.length; start += size, chunk++) {
            const end = Math.min(recs.length, start + size);
            const key = contentKey({
              kind: 'cell', model: modelKey, dataset: datasetKey, prepare: prepareKey ?? null,
              method: { id: variant.method, version: method.version, params: variant.params as JsonValue },
              protocol: protocol as unknown as JsonValue, records: recs.slice(start, end).map((r) => r.id),
              metrics: metricVersions, seed: spec.seed, codeVersion,
            });
            rowCells.push(key);
            cells.push({
              key, kind: 'cell', row: rows.length, chunk, modelKey, modelIndex: mi, datasetKey, datasetIndex: di, variant, protocol,
              start, end, deps: [modelKey, datasetKey, ...(prepareKey ? [prepareKey] : [])],
              label: `${keys.model} · ${keys.dataset} · ${keys.method}${keys.hparams ? ` [${keys.hparams}]` : ''} · ${keys.protocol} · records ${start}-${end - 1}`,
              ...(prepareKey ? { prepareKey } : {}),
              ...(unsupported ? { unsupported } : {}),
            });
          }
          rows.push({ keys, cells: rowCells });
        }
      }
    });
  });
  const planKey = contentKey({ spec: spec as unknown as JsonValue, codeVersion, cells: cells.map((c) => c.key) });
  return { spec, planKey, codeVersion, environment, models, datasets, stages, cells, rows, records, ctx };
}

/** Deterministic slice of the cells for shard `index` of `count` (round-robin over plan order). */
export function shardCells(cells: readonly CellTask[], index: number, count: number): CellTask[] {
  return cells.filter((_c, i) => i % count === index);
}
