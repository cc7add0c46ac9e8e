// What `editlab diff` calls noise (docs/metrics.md "Noise-aware diff"). When both tables have their
// per-record values beside them (`<table>.records.csv`, written with every aggregate table) and the
// first has its meta.json, each row's change is bootstrapped over the records the two runs share, paired
// by record id (seeds averaged): the interval of (b − a) of the table's own statistic, the derived ones
// (score) included. A change is a regression only when that interval lies wholly on the worse side of 0.
// Without per-record values, the first table's interval columns (`<metric>_lo`, `<metric>_hi`) are the
// noise band: the second table's value must leave it.
import { existsSync, readFileSync } from 'node:fs';
import { bootstrapIntervals } from '@editlab/metrics';
import type { Registries } from '../registries';
import { KEY_COLUMNS } from './table';
import type { MetricColumn } from './table';
import { columnValues } from './intervals';
import type { CsvTable } from './diff';
import { parseCsv } from './diff';

type Values = Record<string, number | null>;

/** The per-record values behind a table: row key → record id → unscaled values (seeds averaged). */
export type RecordValues = ReadonlyMap<string, ReadonlyMap<string, Values>>;

export const rowKey = (r: Record<string, string>, keyColumns: readonly string[] = KEY_COLUMNS): string => keyColumns.map((k) => r[k] ?? '').join(' · ');

const number = (s: string | undefined): number | null => {
  if (s === undefined || s.trim() === '' || /^-?(nan|inf)/i.test(s.trim())) return null;
  const x = Number(s);
  return Number.isFinite(x) ? x : null;
};

/** The metric columns of a table from its meta.json (scale, derivation), or undefined without one. */
export function metaColumns(csvFile: string): MetricColumn[] | undefined {
  const meta = csvFile.replace(/\.csv$/, '.meta.json');
  if (meta === csvFile || !existsSync(meta)) return undefined;
  try {
    return (JSON.parse(readFileSync(meta, 'utf8')) as { metrics?: MetricColumn[] }).metrics;
  } catch {
    return undefined;
  }
}

/** Per-record values of a table: its `.records.csv`, or the table itself when it has one row per record. */
export function recordValues(table: CsvTable, columns: readonly MetricColumn[]): RecordValues | undefined {
  let src: CsvTable | undefined = table.header.includes('record') ? table : undefined;
  const side = table.file.replace(/\.csv$/, '.records.csv');
  if (!src && side !== table.file && existsSync(side)) src = parseCsv(side, readFileSync(side, 'utf8'));
  if (!src) return undefined;
  const sums = new Map<string, Map<string, { n: number; values: Values }>>();
  for (const line of src.rows) {
    const k = rowKey(line);
    const byRecord = sums.get(k) ?? new Map<string, { n: number; values: Values }>();
    sums.set(k, byRecord);
    const cur = byRecord.get(line['record'] ?? '') ?? { n: 0, values: {} };
    for (const c of columns) {
      if (c.text || c.status || !src.header.includes(c.column)) continue;
      const v = number(line[c.column]);
      const prev = cur.values[c.column];
      cur.values[c.column] = v === null || prev === null ? null : (prev ?? 0) + v / c.scale;
    }
    cur.n++;
    byRecord.set(line['record'] ?? '', cur);
  }
  return new Map([...sums].map(([k, recs]) => [k, new Map([...recs].map(([id, { n, values }]) => [
    id, Object.fromEntries(Object.entries(values).map(([c, v]) => [c, v === null ? null : v / n])),
  ]))]));
}

export interface ChangeInterval {
  readonly lo: number;
  readonly hi: number;
  /** How many records the two runs share (the pairs resampled). */
  readonly pairs: number;
}

/**
 * 95% bootstrap interval of (b − a) per metric column of one row, in the CSV's units, over the records
 * both runs have (paired by id). Undefined for a column either run cannot compute on them.
 */
export function pairedChange(a: ReadonlyMap<string, Values>, b: ReadonlyMap<string, Values>, columns: readonly MetricColumn[], reg: Registries,
  seed: number, stream: string): Map<string, ChangeInterval> {
  const ids = [...a.keys()].filter((id) => b.has(id));
  const as = ids.map((id) => a.get(id)!);
  const bs = ids.map((id) => b.get(id)!);
  const shown = columns.filter((c) => !c.text && !c.status);
  const ivs = bootstrapIntervals(ids.length, shown.length, (idx) => {
    const va = columnValues(Array.from(idx, (i) => as[i]!), columns, reg);
    const vb = columnValues(Array.from(idx, (i) => bs[i]!), columns, reg);
    return shown.map((c) => (vb[c.column] ?? Number.NaN) - (va[c.column] ?? Number.NaN));
  }, { seed, stream: `diff:${stream}` });
  const out = new Map<string, ChangeInterval>();
  shown.forEach((c, i) => {
    const iv = ivs[i]!;
    if (Number.isFinite(iv.lo) && Number.isFinite(iv.hi)) out.set(c.column, { lo: iv.lo * c.scale, hi: iv.hi * c.scale, pairs: ids.length });
  });
  return out;
}

/** The interval columns of a CSV row for `metric`, when the table has them and they are numbers. */
export function rowInterval(row: Record<string, string>, metric: string): { lo: number; hi: number } | undefined {
  const lo = number(row[`${metric}_lo`]);
  const hi = number(row[`${metric}_hi`]);
  return lo === null || hi === null ? undefined : { lo, hi };
}
