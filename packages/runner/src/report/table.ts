// Cell outputs → one table: a CSV (csv-stringify) with a fixed row order (the spec's order:
// model, dataset, method variant, protocol) and fixed number formatting, and a deterministic
// `.meta.json` beside it (resolved spec, environment, the environment of each cell, versions, task keys,
// errors). Nothing volatile goes into these two files; wall times go to `.timing.json`. The CSV is
// byte-identical across reruns on one machine and build; meta.json too, but it changes with the commit
// (task keys and the environment carry the code identity: plan/provenance.ts).
import { stringify } from 'csv-stringify/sync';
import type { MetricAggregate, MetricEntry, Registries } from '../registries';
import { eachColumn, evaluatesEach } from '../experiment-spec/protocol';
import type { JsonObject, JsonValue } from '../util/json';
import { contentKey, stableJson } from '../util/json';
import type { Plan, RowKeys, RowPlan } from '../plan/graph';
import { constantColumns, hasSeeds, metricUses } from '../experiment-spec/types';
import type { CellOutput } from '../exec/cell';
import { columnValues, INTERVALS, intervalColumns, overSeeds, rowIntervals, sdColumn, seedAveraged } from './intervals';
import type { Interval } from './intervals';
import { targetsCsv } from './targets';

export const KEY_COLUMNS = ['model', 'dataset', 'method', 'hparams', 'protocol'] as const;

/** A written table's constant text columns (a method item's `columns:`): those between the key columns and `n`
 *  (`record` in per-record tables and `.records.csv`). Readers of a CSV treat them as text, like the keys. */
export function constantColumnsOf(header: readonly string[]): string[] {
  const from = header.indexOf('protocol') + 1;
  const to = header.findIndex((h) => h === 'n' || h === 'record');
  return from > 0 && to >= from ? header.slice(from, to) : [];
}

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
  /** Not a CSV column: a wall time, written to `.timing.json` (MetricEntry.volatile). */
  readonly volatile?: boolean;
  /** How per-record values become the row's value; absent = mean. */
  readonly aggregate?: MetricAggregate;
  /** Records may lack a value: the row aggregates those that have one (MetricEntry.optional). */
  readonly optional?: boolean;
}

/** Everything the report needs besides the cell outputs; serialisable, so shards carry it. */
export interface TableDoc extends Pick<Plan, 'planKey' | 'spec' | 'environment' | 'codeVersion' | 'rows'> {
  /** Plan.modelsAbout (absent in shard files written before it existed). */
  readonly modelsAbout?: Plan['modelsAbout'];
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
    modelsAbout: plan.modelsAbout,
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
    ...(m.volatile ? { volatile: true } : {}),
    ...(m.aggregate && m.aggregate !== 'mean' ? { aggregate: m.aggregate } : {}),
    ...(m.optional ? { optional: true } : {}),
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
  /** Metric column → mean (unscaled), null when undefined. With `seeds:`, the mean over the seeds. */
  readonly values: Record<string, number | null>;
  /** Metric column → its 95% bootstrap interval over records (absent for per-record tables). */
  readonly intervals?: Record<string, Interval>;
  /** With `seeds:`: metric column → sample sd of the seeds' values. */
  readonly sd?: Record<string, number | null>;
}

/** Where a row's intervals come from: the spec's seed (and the row's key as the stream); none = no intervals. */
export interface IntervalSeed {
  readonly seed: number;
}

export function aggregateRow(row: RowPlan, outputs: ReadonlyMap<string, CellOutput>, metrics: readonly MetricColumn[], reg: Registries, intervals?: IntervalSeed): RowResult {
  const outs = row.cells.map((k) => outputs.get(k));
  const present = outs.filter((o): o is CellOutput => o !== undefined);
  const statuses = new Set(present.map((o) => o.status));
  let status: RowResult['status'] =
    present.length < outs.length ? 'missing'
      : statuses.has('failed') ? 'failed'
        : statuses.has('unsupported') ? 'unsupported'
          : statuses.has('diverged') ? 'diverged' : 'ok';
  const error = present.find((o) => o.error)?.error ?? '';
  const usable = status === 'ok' || status === 'diverged';
  // With `seeds:`, each seed's records give that seed's row values; the row is their mean, and a
  // record's value for the bootstrap its mean over seeds (./intervals.ts).
  const groups = (row.seeds ?? [{ seed: 0, cells: row.cells }]).map((s) => s.cells.flatMap((k) => outputs.get(k)?.records ?? []));
  const records = row.seeds ? seedAveraged(groups) : groups[0]!.map((r) => r.values);
  const perSeed = groups.map((g) => columnValues(g.map((r) => r.values), metrics, reg));
  const spread = row.seeds ? overSeeds(perSeed) : undefined;
  const computed = spread ? spread.values : perSeed[0]!;
  const values: Record<string, number | null> = {};
  for (const m of metrics.filter((x) => !x.text)) values[m.column] = usable ? (computed[m.column] ?? null) : null;
  for (const m of metrics.filter((x) => x.status)) {
    const inputs = m.from!.map((col) => values[col] ?? null);
    const verdict = status === 'ok' && inputs.every((v) => v !== null) ? reg.metrics.get(m.id)?.status?.(inputs as number[]) : undefined;
    if (verdict !== undefined) status = verdict;
  }
  const stream = KEY_COLUMNS.map((k) => row.keys[k]).join('\u001f');
  return {
    keys: row.keys, n: records.length, status, error, values,
    ...(intervals && usable ? { intervals: rowIntervals(records, metrics, reg, intervals.seed, stream) } : {}),
    ...(spread && usable ? { sd: spread.sd } : {}),
  };
}

export interface RenderedTable {
  readonly csv: string;
  /** Aggregate tables: the per-record values behind each row (`<table>.records.csv`). */
  readonly records?: string;
  /** The edit targets of a dataset's targets stage, e.g. self-improvement (`<table>.targets.csv`, ./targets.ts). */
  readonly targets?: string;
  readonly meta: string;
  readonly timing: string;
  readonly rows: readonly RowResult[];
}

/** The printed metric columns: every metric but status rules and volatile measurements (those go to `.timing.json`). */
const columns = (doc: TableDoc): readonly MetricColumn[] => doc.metrics.filter((m) => !m.status && !m.volatile);

/**
 * One line per record of every cell, in plan order: the rows of a `rows: per-record` table (case
 * studies, texts), and the `.records.csv` beside an aggregate table (what `editlab diff` pairs). With
 * `withSeed`, a `seed` column follows the record id (the repetition of a method with `seeds:`).
 */
function recordLines(doc: TableDoc, outputs: ReadonlyMap<string, CellOutput>, reg: Registries, withSeed = false): string[][] {
  return doc.rows.flatMap((row) =>
    row.cells.flatMap((k) => {
      const o = outputs.get(k);
      if (!o) return [];
      const seed = withSeed ? [String(row.seeds?.find((s) => s.cells.includes(k))?.seed ?? doc.spec.seed)] : [];
      return o.records.map((rec) => {
        const values: Record<string, number | null> = { ...rec.values };
        for (const m of doc.metrics.filter((x) => x.from)) {
          const inputs = m.from!.map((col) => values[col] ?? null);
          const combine = reg.metrics.get(m.id)?.derive?.combine;
          values[m.column] = combine && inputs.every((v) => v !== null) ? combine(inputs as number[]) : null;
        }
        return [
          ...KEY_COLUMNS.map((c) => row.keys[c]),
          ...constantColumns(doc.spec).map((c) => row.columns?.[c] ?? ''),
          rec.id,
          ...seed,
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

/** A row's volatile metric values (wall times: `edit-ms`, `prepare-ms`), as printed numbers, for `.timing.json`. */
function volatileValues(doc: TableDoc, row: RowResult): { metrics?: Record<string, number | null> } {
  const cols = doc.metrics.filter((m) => m.volatile);
  if (!cols.length || !hasValues(row.status)) return {};
  return { metrics: Object.fromEntries(cols.map((m) => {
    const v = row.values[m.column];
    return [m.column, v === null || v === undefined || !Number.isFinite(v) ? null : Number((v * m.scale).toFixed(m.digits))];
  })) };
}

export function renderTable(doc: TableDoc, outputs: ReadonlyMap<string, CellOutput>, reg: Registries, stages: StageValues = new Map(),
  environments: ReadonlyMap<string, JsonObject> = new Map()): RenderedTable {
  const perRecord = doc.spec.rows === 'per-record';
  // Aggregate rows carry a bootstrap interval per metric column; one record per row has none.
  const rows = doc.rows.map((r) => aggregateRow(r, outputs, doc.metrics, reg, perRecord ? undefined : { seed: doc.spec.seed }));
  const cols = columns(doc);
  const numeric = cols.filter((m) => !m.text);
  const seeds = !perRecord && hasSeeds(doc.spec);
  const consts = constantColumns(doc.spec);
  const header = perRecord
    ? [...KEY_COLUMNS, ...consts, 'record', ...cols.map((m) => m.column), 'status', 'error']
    : [
      ...KEY_COLUMNS, ...consts, 'n', ...cols.map((m) => m.column),
      ...numeric.flatMap((m) => intervalColumns(m.column)),
      ...(seeds ? numeric.map((m) => sdColumn(m.column)) : []),
      'status', 'error',
    ];
  const body = perRecord
    ? recordLines(doc, outputs, reg)
    : rows.map((r, i) => {
      const fmt = (m: MetricColumn, v: number | null | undefined) => (hasValues(r.status) ? formatNumber(v ?? null, m.scale, m.digits) : '');
      return [
        ...KEY_COLUMNS.map((k) => r.keys[k]),
        ...consts.map((c) => doc.rows[i]!.columns?.[c] ?? ''),
        String(r.n),
        ...cols.map((m) => fmt(m, r.values[m.column])),
        ...numeric.flatMap((m) => [fmt(m, r.intervals?.[m.column]?.lo), fmt(m, r.intervals?.[m.column]?.hi)]),
        ...(seeds ? numeric.map((m) => fmt(m, r.sd?.[m.column])) : []),
        r.status,
        r.error,
      ];
    });
  const csv = stringify([header, ...body], { record_delimiter: 'unix' });
  const records = perRecord ? undefined : stringify([
    [...KEY_COLUMNS, ...consts, 'record', ...(seeds ? ['seed'] : []), ...cols.map((m) => m.column), 'status', 'error'],
    ...recordLines(doc, outputs, reg, seeds),
  ], { record_delimiter: 'unix' });
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
    // Which weights each model label was (an embedded model: preset set, world version, weights sha256).
    ...(doc.modelsAbout && Object.keys(doc.modelsAbout).length ? { models: doc.modelsAbout } : {}),
    metrics: doc.metrics,
    ...(perRecord ? {} : { intervals: { ...INTERVALS, seed: doc.spec.seed } }),
    rows: doc.rows.map((r, i) => ({ ...r.keys, ...r.columns, status: rows[i]!.status, ...skippedCount(r.cells, outputs), cells: r.cells })),
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
    rows: doc.rows.map((r, i) => ({
      ...r.keys,
      editMs: Math.round(r.cells.reduce((a, k) => a + (outputs.get(k)?.timing.editMs ?? 0), 0)),
      evalMs: Math.round(r.cells.reduce((a, k) => a + (outputs.get(k)?.timing.evalMs ?? 0), 0)),
      ...volatileValues(doc, rows[i]!),
    })),
  });
  const targets = targetsCsv(stages);
  return { csv, meta, timing, rows, ...(records === undefined ? {} : { records }), ...(targets === undefined ? {} : { targets }) };
}
