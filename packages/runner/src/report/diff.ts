// `editlab diff a.csv b.csv`: align the rows of two result tables by their key columns and show
// per-metric deltas, marking regressions by each metric's direction (as
// lm-eval's `higher_is_better`) taken from the metric registry.
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { RunnerError } from '../errors';
import type { MetricEntry } from '../registries';
import { KEY_COLUMNS } from './table';

const NON_METRIC = new Set<string>([...KEY_COLUMNS, 'n', 'status', 'error']);

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

export type Verdict = 'better' | 'worse' | 'same' | 'changed' | 'n/a';

export interface MetricDelta {
  readonly metric: string;
  readonly a: string;
  readonly b: string;
  readonly delta: number | null;
  readonly verdict: Verdict;
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
  readonly regressions: number;
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

export function diffTables(a: CsvTable, b: CsvTable, metrics: ReadonlyMap<string, Pick<MetricEntry, 'higherIsBetter'>>, tolerance = 0): TableDiff {
  const keyColumns = KEY_COLUMNS.filter((k) => a.header.includes(k) && b.header.includes(k));
  if (!keyColumns.length) throw new RunnerError('CSV', `${a.file} and ${b.file} share none of the key columns ${KEY_COLUMNS.join(', ')}`);
  const metricCols = a.header.filter((h) => !NON_METRIC.has(h) && b.header.includes(h));
  const keyOf = (r: Record<string, string>) => keyColumns.map((k) => r[k] ?? '').join(' · ');
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
  const rows: RowDiff[] = [];
  for (const [key, ra] of ia) {
    const rb = ib.get(key);
    if (!rb) continue;
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
      let verdict: Verdict = 'same';
      if (Math.abs(delta) > tolerance) verdict = dir === undefined ? 'changed' : (delta > 0) === dir ? 'better' : 'worse';
      if (verdict === 'worse') regressions++;
      return { metric, a: va, b: vb, delta, verdict };
    });
    rows.push({ key, deltas, statusA: ra['status'] ?? '', statusB: rb['status'] ?? '' });
  }
  return {
    keyColumns, metrics: metricCols, rows, regressions,
    onlyA: [...ia.keys()].filter((k) => !ib.has(k)),
    onlyB: [...ib.keys()].filter((k) => !ia.has(k)),
  };
}

const MARK: Record<Verdict, string> = { better: 'better', worse: 'REGRESSION', same: '', changed: 'changed', 'n/a': 'n/a' };

/** Text report: one block per aligned row listing the metrics that moved (or all with `all`). */
export function formatDiff(d: TableDiff, a: string, b: string, all = false): string {
  const out = [`diff ${a} → ${b}  (rows aligned by ${d.keyColumns.join(', ')})`];
  const width = Math.max(...d.metrics.map((m) => m.length), 6);
  let unchanged = 0;
  for (const r of d.rows) {
    const shown = r.deltas.filter((x) => all || x.verdict !== 'same');
    const statusMoved = r.statusA !== r.statusB;
    if (!shown.length && !statusMoved) {
      unchanged++;
      continue;
    }
    out.push(r.key + (statusMoved ? `  [status ${r.statusA} → ${r.statusB}]` : ''));
    for (const x of shown) {
      const delta = x.delta === null ? '' : `${x.delta >= 0 ? '+' : ''}${x.delta.toFixed(Math.max(decimals(x.a), decimals(x.b)))}`;
      out.push(`  ${x.metric.padEnd(width)}  ${x.a.padStart(9)} → ${x.b.padEnd(9)} ${delta.padStart(9)}  ${MARK[x.verdict]}`.trimEnd());
    }
  }
  if (unchanged) out.push(`${unchanged} row(s) unchanged`);
  for (const k of d.onlyA) out.push(`only in ${a}: ${k}`);
  for (const k of d.onlyB) out.push(`only in ${b}: ${k}`);
  out.push(`${d.regressions} regression(s)`);
  return out.join('\n');
}

function decimals(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}
