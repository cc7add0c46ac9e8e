// `editlab diff a.csv b.csv`: align the rows of two result tables by their key columns and show
// per-metric deltas, marking regressions by each metric's direction (as
// lm-eval's `higher_is_better`) taken from the metric registry. A change counts only when it is
// outside the noise (./noise.ts: a paired bootstrap over the records both runs share, else the first
// table's interval columns); `tolerance` overrides that with a fixed threshold.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { RunnerError } from '../errors';
import type { MetricEntry, Registries } from '../registries';
import { constantColumnsOf, KEY_COLUMNS } from './table';
import type { MetricColumn } from './table';
import { pairedChange, rowInterval, rowKey } from './noise';
import type { ChangeInterval, RecordValues } from './noise';

const NON_METRIC = new Set<string>([...KEY_COLUMNS, 'n', 'record', 'seed', 'status', 'error']);
/** `<metric>_lo`, `_hi`, `_sd` of a metric column of the same table: not metrics of their own. */
const isBand = (h: string, header: readonly string[]) => {
  const m = /^(.*)_(lo|hi|sd)$/.exec(h);
  return m !== null && header.includes(m[1]!);
};

export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly Record<string, string>[];
}

export function readCsv(file: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RunnerError('CSV', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCsv(file, text);
}

export function parseCsv(file: string, text: string): CsvTable {
  try {
    const records = parse(text, { columns: false, skip_empty_lines: true }) as string[][];
    const [header, ...body] = records;
    if (!header) throw new Error('empty file');
    return { file, header, rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
  } catch (e) {
    throw new RunnerError('CSV', `${file}: not a readable CSV (${(e as Error).message.split('\n')[0]})`);
  }
}

/** `noise`: the values differ, but the change is inside the noise band. */
export type Verdict = 'better' | 'worse' | 'same' | 'noise' | 'changed' | 'n/a';

export interface MetricDelta {
  readonly metric: string;
  readonly a: string;
  readonly b: string;
  readonly delta: number | null;
  readonly verdict: Verdict;
  /** The noise band the verdict used: a paired interval of the change, or the first table's interval of its value. */
  readonly band?: { readonly kind: 'paired'; readonly lo: number; readonly hi: number; readonly pairs: number } | { readonly kind: 'interval'; readonly lo: number; readonly hi: number };
}

export interface RowDiff {
  readonly key: string;
  readonly deltas: readonly MetricDelta[];
  readonly statusA: string;
  readonly statusB: string;
}

export interface TableDiff {
  readonly keyColumns: readonly string[];
  readonly metrics: readonly string[];
  readonly rows: readonly RowDiff[];
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
  /** Metric regressions plus rows whose status left `ok` (statusRegressions). */
  readonly regressions: number;
  /** Rows that were ok in the first table and are not in the second (failed, diverged, …). */
  readonly statusRegressions: number;
  /** How changes were judged: a fixed tolerance, per-record pairs, interval columns, or exact values. */
  readonly rule: 'tolerance' | 'paired' | 'interval' | 'exact';
}

/** What the noise-aware rule reads; without it (or with `tolerance`) changes are judged by a threshold. */
export interface DiffNoise {
  /** Per-record values of each table (./noise.ts recordValues). */
  readonly recordsA?: RecordValues;
  readonly recordsB?: RecordValues;
  /** The first table's metric columns (its meta.json): how per-record values become the row's value. */
  readonly columns?: readonly MetricColumn[];
  readonly reg?: Registries;
  /** Seed of the paired bootstrap (default 0). */
  readonly seed?: number;
}

export interface DiffOptions {
  /** Fixed threshold in the CSV's units: |Δ| above it is a change, whatever the noise. */
  readonly tolerance?: number;
  readonly noise?: DiffNoise;
}

/**
 * Direction of each metric column: from the table's .meta.json when it is beside the CSV (exact,
 * also for labelled columns), else from the metric registry by column name.
 */
export function directions(csvFile: string, metrics: ReadonlyMap<string, Pick<MetricEntry, 'higherIsBetter'>>): ReadonlyMap<string, Pick<MetricEntry, 'higherIsBetter'>> {
  const out = new Map(metrics);
  const meta = csvFile.replace(/\.csv$/, '.meta.json');
  if (meta !== csvFile && existsSync(meta)) {
    try {
      const cols = (JSON.parse(readFileSync(meta, 'utf8')) as { metrics?: { column: string; higherIsBetter: boolean }[] }).metrics ?? [];
      for (const c of cols) out.set(c.column, { higherIsBetter: c.higherIsBetter });
    } catch {
      // an unreadable meta file only costs the directions; the registry still gives most
    }
  }
  return out;
}

export function diffTables(a: CsvTable, b: CsvTable, metrics: ReadonlyMap<string, Pick<MetricEntry, 'higherIsBetter'>>, options: number | DiffOptions = {}): TableDiff {
  const o: DiffOptions = typeof options === 'number' ? { tolerance: options } : options;
  const keyColumns = [...KEY_COLUMNS, 'record'].filter((k) => a.header.includes(k) && b.header.includes(k));
  if (!keyColumns.some((k) => k !== 'record')) throw new RunnerError('CSV', `${a.file} and ${b.file} share none of the key columns ${KEY_COLUMNS.join(', ')}`);
  const constants = new Set(constantColumnsOf(a.header));
  const metricCols = a.header.filter((h) => !NON_METRIC.has(h) && !constants.has(h) && !isBand(h, a.header) && b.header.includes(h));
  const keyOf = (r: Record<string, string>) => rowKey(r, keyColumns);
  const n = o.noise;
  const paired = o.tolerance === undefined && n?.recordsA && n.recordsB && n.columns && n.reg && !keyColumns.includes('record');
  const banded = o.tolerance === undefined && !paired && metricCols.some((m) => a.header.includes(`${m}_lo`));
  const rule: TableDiff['rule'] = o.tolerance !== undefined ? 'tolerance' : paired ? 'paired' : banded ? 'interval' : 'exact';
  const tolerance = o.tolerance ?? 0;
  const index = (t: CsvTable) => {
    const m = new Map<string, Record<string, string>>();
    for (const r of t.rows) {
      const k = keyOf(r);
      if (m.has(k)) throw new RunnerError('CSV', `${t.file}: two rows with the same key '${k}'`);
      m.set(k, r);
    }
    return m;
  };
  const ia = index(a);
  const ib = index(b);
  let regressions = 0;
  let statusRegressions = 0;
  const rows: RowDiff[] = [];
  for (const [key, ra] of ia) {
    const rb = ib.get(key);
    if (!rb) continue;
    const pairs = paired ? pairedChange(n!.recordsA!.get(key) ?? new Map(), n!.recordsB!.get(key) ?? new Map(), n!.columns!, n!.reg!, n!.seed ?? 0, key) : undefined;
    const deltas = metricCols.map((metric): MetricDelta => {
      const va = ra[metric] ?? '';
      const vb = rb[metric] ?? '';
      const na = Number(va);
      const nb = Number(vb);
      if (va === '' || vb === '' || !Number.isFinite(na) || !Number.isFinite(nb)) {
        return { metric, a: va, b: vb, delta: null, verdict: va === vb ? 'same' : 'n/a' };
      }
      const delta = nb - na;
      const dir = metrics.get(metric)?.higherIsBetter;
      const judged = judge(delta, tolerance, rule === 'paired' ? pairs?.get(metric) : undefined, rule === 'interval' ? rowInterval(ra, metric) : undefined, nb);
      const verdict: Verdict = judged.moved === 'no' ? (delta === 0 ? 'same' : 'noise')
        : dir === undefined ? 'changed' : (judged.moved === 'up') === dir ? 'better' : 'worse';
      if (verdict === 'worse') regressions++;
      return { metric, a: va, b: vb, delta, verdict, ...(judged.band ? { band: judged.band } : {}) };
    });
    const statusA = ra['status'] ?? '';
    const statusB = rb['status'] ?? '';
    if (statusA === 'ok' && statusB !== 'ok') statusRegressions++;
    rows.push({ key, deltas, statusA, statusB });
  }
  return {
    keyColumns, metrics: metricCols, rows, regressions: regressions + statusRegressions, statusRegressions, rule,
    onlyA: [...ia.keys()].filter((k) => !ib.has(k)),
    onlyB: [...ib.keys()].filter((k) => !ia.has(k)),
  };
}

/**
 * Whether a change moved, and which way. With a paired interval of the change: only when it excludes 0.
 * With the first table's interval: only when the second value leaves it. Otherwise: |Δ| > tolerance.
 */
function judge(delta: number, tolerance: number, pairs: ChangeInterval | undefined, interval: { lo: number; hi: number } | undefined, b: number):
  { moved: 'up' | 'down' | 'no'; band?: MetricDelta['band'] } {
  if (pairs) return { moved: pairs.lo > 0 ? 'up' : pairs.hi < 0 ? 'down' : 'no', band: { kind: 'paired', ...pairs } };
  if (interval) return { moved: b > interval.hi ? 'up' : b < interval.lo ? 'down' : 'no', band: { kind: 'interval', ...interval } };
  return { moved: Math.abs(delta) > tolerance ? (delta > 0 ? 'up' : 'down') : 'no' };
}

const MARK: Record<Verdict, string> = { better: 'better', worse: 'REGRESSION', same: '', noise: 'within noise', changed: 'changed', 'n/a': 'n/a' };

function bandText(x: MetricDelta): string {
  const b = x.band;
  if (!b) return '';
  const d = Math.max(decimals(x.a), decimals(x.b));
  const f = (v: number) => `${v >= 0 && b.kind === 'paired' ? '+' : ''}${v.toFixed(d)}`;
  return b.kind === 'paired' ? `  (Δ 95% CI [${f(b.lo)}, ${f(b.hi)}], ${b.pairs} paired records)` : `  (a's 95% CI [${f(b.lo)}, ${f(b.hi)}])`;
}

/** Text report: one block per aligned row listing the metrics that moved (or all with `all`). */
export function formatDiff(d: TableDiff, a: string, b: string, all = false): string {
  const out = [`diff ${a} → ${b}  (rows aligned by ${d.keyColumns.join(', ')})`];
  const width = Math.max(...d.metrics.map((m) => m.length), 6);
  let unchanged = 0;
  for (const r of d.rows) {
    const shown = r.deltas.filter((x) => all || (x.verdict !== 'same' && x.verdict !== 'noise'));
    const statusMoved = r.statusA !== r.statusB;
    if (!shown.length && !statusMoved) {
      unchanged++;
      continue;
    }
    out.push(r.key + (statusMoved ? `  [status ${r.statusA} → ${r.statusB}]` : ''));
    for (const x of shown) {
      const delta = x.delta === null ? '' : `${x.delta >= 0 ? '+' : ''}${x.delta.toFixed(Math.max(decimals(x.a), decimals(x.b)))}`;
      out.push(`  ${x.metric.padEnd(width)}  ${x.a.padStart(9)} → ${x.b.padEnd(9)} ${delta.padStart(9)}  ${MARK[x.verdict]}${x.verdict === 'same' ? '' : bandText(x)}`.trimEnd());
    }
  }
  const noise = d.rows.reduce((s, r) => s + r.deltas.filter((x) => x.verdict === 'noise').length, 0);
  if (unchanged) out.push(`${unchanged} row(s) unchanged${noise && !all ? ` (${noise} change(s) within noise not shown; --all shows them)` : ''}`);
  else if (noise && !all) out.push(`${noise} change(s) within noise not shown (--all shows them)`);
  for (const k of d.onlyA) out.push(`only in ${a}: ${k}`);
  for (const k of d.onlyB) out.push(`only in ${b}: ${k}`);
  const rule = { tolerance: 'changes beyond --tolerance', paired: 'changes outside the paired 95% bootstrap interval over shared records', interval: `values outside ${a}'s 95% intervals`, exact: 'any change (no intervals or per-record values)' }[d.rule];
  out.push(`${d.regressions} regression(s)${d.statusRegressions ? ` (${d.statusRegressions} row(s) no longer ok)` : ''}; counted: ${rule}`);
  return out.join('\n');
}

function decimals(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}
