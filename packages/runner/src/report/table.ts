// Cell outputs → one table: a CSV (csv-stringify) with a fixed row order (the spec's order:
// model, dataset, method variant, protocol) and fixed number formatting, and a deterministic
// `.meta.json` beside it (resolved spec, environment, the environment of each cell, versions, task keys,
// errors). Nothing volatile goes into these two files; wall times go to `.timing.json`. The CSV is
// byte-identical across reruns on one machine and build; meta.json too, but it changes with the commit
// (task keys and the environment carry the code identity: plan/provenance.ts).
import { stringify } from 'csv-stringify/sync';
import { aggregate } from '@editlab/metrics';
import type { MetricAggregate, MetricEntry, Registries } from '../registries';
import { eachColumn, evaluatesEach } from '../experiment-spec/protocol';
import type { JsonObject, JsonValue } from '../util/json';
import { contentKey, stableJson } from '../util/json';
import type { Plan, RowKeys, RowPlan } from '../plan/graph';
import { metricUses } from '../experiment-spec/types';
import type { CellOutput } from '../exec/cell';

export const KEY_COLUMNS = ['model', 'dataset', 'method', 'hparams', 'protocol'] as const;

export interface MetricColumn {
  /** CSV column name (the metric id unless the spec gave a label). */
  readonly column: string;
  readonly id: string;
  readonly version: string;
  readonly higherIsBetter: boolean;
  readonly scale: number;
  readonly digits: number;
  readonly from?: readonly string[];
  readonly text?: boolean;
  /** Not a column: the metric sets the row's status (MetricEntry.status). */
  readonly status?: boolean;
  /** How per-record values become the row's value; absent = mean. */
  readonly aggregate?: MetricAggregate;
}

/** Everything the report needs besides the cell outputs; serialisable, so shards carry it. */
export interface TableDoc extends Pick<Plan, 'planKey' | 'spec' | 'environment' | 'codeVersion' | 'rows'> {
  readonly versions: JsonObject;
  readonly metrics: readonly MetricColumn[];
}

export function tableDoc(plan: Plan, reg: Registries): TableDoc {
  const versions = (ids: readonly string[], m: ReadonlyMap<string, { version: string }>) =>
    Object.fromEntries([...new Set(ids)].sort().map((id) => [id, m.get(id)!.version]));
  return {
    planKey: plan.planKey,
    spec: plan.spec,
    environment: plan.environment,
    codeVersion: plan.codeVersion,
    versions: {
      models: versions(plan.spec.models.map((m) => m.model), reg.models),
      datasets: versions(plan.spec.datasets.map((d) => d.dataset), reg.datasets),
      methods: versions(plan.spec.methods.map((m) => m.method), reg.methods),
      metrics: versions(metricUses(plan.spec).map((u) => u.id), reg.metrics),
    },
    metrics: withEachColumns(plan.spec, derivedFrom(metricUses(plan.spec).map((u) => metricColumn(u.column, reg.metrics.get(u.id)!))), reg),
    rows: plan.rows,
  };
}

function metricColumn(column: string, m: MetricEntry): MetricColumn {
  return {
    column, id: m.id, version: m.version, higherIsBetter: m.higherIsBetter, scale: m.scale ?? 1, digits: m.digits ?? 4,
    ...(m.derive ? { from: [...m.derive.from] } : {}),
    ...(m.text ? { text: true } : {}),
    ...(m.status ? { status: true } : {}),
    ...(m.aggregate && m.aggregate !== 'mean' ? { aggregate: m.aggregate } : {}),
  };
}

/**
 * With a `sequential` protocol that has `evalEach`, every scored column gets a `<column>@each`
 * twin: the same metric measured right after each record's own edit (rows of other protocols: nan).
 */
function withEachColumns(spec: Plan['spec'], cols: MetricColumn[], reg: Registries): MetricColumn[] {
  if (!spec.protocols.some(evaluatesEach)) return cols;
  const measuredEach = (e: MetricEntry) => (e.probe !== undefined || e.evaluate !== undefined) && (e.when ?? 'after') === 'after';
  const twins = cols.filter((c) => c.from !== undefined || measuredEach(reg.metrics.get(c.id)!));
  return [...cols, ...twins.map((c) => ({ ...c, column: eachColumn(c.column), ...(c.from ? { from: c.from.map(eachColumn) } : {}) }))];
}

/** A derived metric reads the first column of each metric it is derived from. */
function derivedFrom(cols: MetricColumn[]): MetricColumn[] {
  return cols.map((c) => (c.from ? { ...c, from: c.from.map((id) => cols.find((x) => x.id === id && !x.from)?.column ?? id) } : c));
}

/** Fixed formatting: value × scale with `digits` decimals; no "-0"; non-finite → "nan". */
export function formatNumber(v: number | null, scale: number, digits: number): string {
  if (v === null || !Number.isFinite(v)) return 'nan';
  const s = (v * scale).toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A row status set by a metric's `status` rule (e.g. 'collapsed', 'no-forgetting'): values are still printed. */
export type RowStatus = 'ok' | 'diverged' | 'failed' | 'unsupported' | 'missing' | (string & {});
const FAILED: ReadonlySet<string> = new Set(['failed', 'unsupported', 'missing']);
/** Whether a row of this status has values (every status but failed, unsupported and missing). */
export const hasValues = (status: string): boolean => !FAILED.has(status);

export interface RowResult {
  readonly keys: RowKeys;
  readonly n: number;
  readonly status: RowStatus;
  readonly error: string;
  /** Metric column → mean (unscaled), null when undefined. */
  readonly values: Record<string, number | null>;
}

export function aggregateRow(row: RowPlan, outputs: ReadonlyMap<string, CellOutput>, metrics: readonly MetricColumn[], reg: Registries): RowResult {
  const outs = row.cells.map((k) => outputs.get(k));
  const present = outs.filter((o): o is CellOutput => o !== undefined);
  const statuses = new Set(present.map((o) => o.status));
  let status: RowResult['status'] =
    present.length < outs.length ? 'missing'
      : statuses.has('failed') ? 'failed'
        : statuses.has('unsupported') ? 'unsupported'
          : statuses.has('diverged') ? 'diverged' : 'ok';
  const error = present.find((o) => o.error)?.error ?? '';
  const records = present.flatMap((o) => o.records);
  const values: Record<string, number | null> = {};
  const usable = status === 'ok' || status === 'diverged';
  for (const m of metrics.filter((x) => !x.from && !x.text)) {
    const xs: number[] = [];
    for (const r of records) {
      const v = r.values[m.column];
      if (v !== null && v !== undefined) xs.push(v);
    }
    values[m.column] = usable && records.length && xs.length === records.length ? aggregate(m.aggregate ?? 'mean', xs) : null;
  }
  for (const m of metrics.filter((x) => x.from)) {
    const inputs = m.from!.map((col) => values[col] ?? null);
    const combine = reg.metrics.get(m.id)?.derive?.combine;
    values[m.column] = usable && combine && inputs.every((v) => v !== null) ? combine(inputs as number[]) : null;
  }
  for (const m of metrics.filter((x) => x.status)) {
    const inputs = m.from!.map((col) => values[col] ?? null);
    const verdict = status === 'ok' && inputs.every((v) => v !== null) ? reg.metrics.get(m.id)?.status?.(inputs as number[]) : undefined;
    if (verdict !== undefined) status = verdict;
  }
  return { keys: row.keys, n: records.length, status, error, values };
}

export interface RenderedTable {
  readonly csv: string;
  readonly meta: string;
  readonly timing: string;
  readonly rows: readonly RowResult[];
}

/** The printed metric columns: every metric but status rules. */
const columns = (doc: TableDoc): readonly MetricColumn[] => doc.metrics.filter((m) => !m.status);

/** `rows: per-record`: one line per record of every cell, in plan order (case studies, texts). */
function recordLines(doc: TableDoc, outputs: ReadonlyMap<string, CellOutput>, reg: Registries): string[][] {
  return doc.rows.flatMap((row) =>
    row.cells.flatMap((k) => {
      const o = outputs.get(k);
      if (!o) return [];
      return o.records.map((rec) => {
        const values: Record<string, number | null> = { ...rec.values };
        for (const m of doc.metrics.filter((x) => x.from)) {
          const inputs = m.from!.map((col) => values[col] ?? null);
          const combine = reg.metrics.get(m.id)?.derive?.combine;
          values[m.column] = combine && inputs.every((v) => v !== null) ? combine(inputs as number[]) : null;
        }
        return [
          ...KEY_COLUMNS.map((c) => row.keys[c]),
          rec.id,
          ...columns(doc).map((m) => (m.text ? (rec.texts?.[m.column] ?? '') : formatNumber(values[m.column] ?? null, m.scale, m.digits))),
          o.status,
          o.error ?? '',
        ];
      });
    }),
  );
}

/** Shared-stage values by task key (e.g. ForGet's located layers), listed in meta.json in key order. */
export type StageValues = ReadonlyMap<string, { readonly label: string; readonly value: JsonValue }>;

/** Cells grouped by the environment that computed them: [{ environment, cells }], in a fixed order. */
export function environmentGroups(environments: ReadonlyMap<string, JsonObject>): JsonValue[] {
  const groups = new Map<string, { environment: JsonObject; cells: string[] }>();
  for (const [cell, environment] of environments) {
    const id = contentKey(environment);
    const g = groups.get(id) ?? { environment, cells: [] };
    g.cells.push(cell);
    groups.set(id, g);
  }
  return [...groups.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([, g]) => ({ environment: g.environment, cells: g.cells.sort() }));
}

/** `{ skipped: n }` when the row's cells left out records longer than the window, else nothing. */
function skippedCount(cells: readonly string[], outputs: ReadonlyMap<string, CellOutput>): { skipped?: number } {
  const n = cells.reduce((a, k) => a + (outputs.get(k)?.skipped?.records.length ?? 0), 0);
  return n ? { skipped: n } : {};
}

function longRecords(doc: TableDoc, outputs: ReadonlyMap<string, CellOutput>): { longRecords?: JsonValue } {
  const list = doc.rows.flatMap((r) =>
    r.cells.flatMap((k) => {
      const s = outputs.get(k)?.skipped;
      return s ? [{ ...r.keys, cell: k, window: s.window, records: s.records.map((x) => ({ ...x })) }] : [];
    }),
  );
  return list.length ? { longRecords: list } : {};
}

export function renderTable(doc: TableDoc, outputs: ReadonlyMap<string, CellOutput>, reg: Registries, stages: StageValues = new Map(),
  environments: ReadonlyMap<string, JsonObject> = new Map()): RenderedTable {
  const rows = doc.rows.map((r) => aggregateRow(r, outputs, doc.metrics, reg));
  const perRecord = doc.spec.rows === 'per-record';
  const cols = columns(doc);
  const header = [...KEY_COLUMNS, perRecord ? 'record' : 'n', ...cols.map((m) => m.column), 'status', 'error'];
  const body = perRecord
    ? recordLines(doc, outputs, reg)
    : rows.map((r) => [
      ...KEY_COLUMNS.map((k) => r.keys[k]),
      String(r.n),
      ...cols.map((m) => (hasValues(r.status) ? formatNumber(r.values[m.column] ?? null, m.scale, m.digits) : '')),
      r.status,
      r.error,
    ]);
  const csv = stringify([header, ...body], { record_delimiter: 'unix' });
  const meta = stableJson({
    format: 'editlab-table/1',
    table: doc.spec.name,
    planKey: doc.planKey,
    seed: doc.spec.seed,
    spec: doc.spec,
    environment: doc.environment,
    // Per cell, the environment that computed it (a cell served from the cache keeps the one it was
    // computed in). Task keys cover all of it but its `machine` part (plan/provenance.ts), so it differs
    // from `environment` only for cells computed on another machine (a shared cache, merged shards).
    cellEnvironments: environmentGroups(environments),
    codeVersion: doc.codeVersion,
    versions: doc.versions,
    metrics: doc.metrics,
    rows: doc.rows.map((r, i) => ({ ...r.keys, status: rows[i]!.status, ...skippedCount(r.cells, outputs), cells: r.cells })),
    stages: [...stages.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([key, v]) => ({ key, label: v.label, value: v.value })),
    // The long-record rule (exec/long-records.ts): the records each cell left out, listed only when there are any.
    ...longRecords(doc, outputs),
    errors: doc.rows.flatMap((r) =>
      r.cells.flatMap((k) => {
        const o = outputs.get(k);
        return o?.error ? [{ ...r.keys, cell: k, status: o.status, error: o.error }] : [];
      }),
    ),
  });
  const timing = stableJson({
    note: 'volatile: wall times of the runs that produced the cached cells; not part of the reproducible outputs',
    rows: doc.rows.map((r) => ({
      ...r.keys,
      editMs: Math.round(r.cells.reduce((a, k) => a + (outputs.get(k)?.timing.editMs ?? 0), 0)),
      evalMs: Math.round(r.cells.reduce((a, k) => a + (outputs.get(k)?.timing.evalMs ?? 0), 0)),
    })),
  });
  return { csv, meta, timing, rows };
}
