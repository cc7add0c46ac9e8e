// The table `editlab run` prints when it ends: the CSV's rows, aligned, for a terminal. Columns that are
// empty in every row (hparams of a spec without sweeps, error of a clean run) are left out; so are
// text columns of a per-record table, and the bootstrap interval columns (`<metric>_lo`, `_hi`:
// report/intervals.ts), which would triple the width; the CSV and `--json` carry them. Numbers are
// right-aligned. Rows past `maxRows` are counted, not printed: the CSV has them all.
import { parseCsv } from './diff';
import type { CsvTable } from './diff';
import { constantColumnsOf, KEY_COLUMNS } from './table';

const INTERVAL_COLUMN = /_(lo|hi)$/;

export interface ConsoleTableOptions {
  readonly maxRows?: number;
  /** Longest cell text; longer cells end in '…'. */
  readonly maxCell?: number;
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$|^nan$|^-?inf$/i;

export function consoleTable(csv: string, o: ConsoleTableOptions = {}): string[] {
  const t: CsvTable = parseCsv('<table>', csv);
  const maxRows = o.maxRows ?? 50;
  const maxCell = o.maxCell ?? 40;
  const shown = t.rows.slice(0, maxRows);
  const cols = t.header.filter((c) => c !== 'error' && !INTERVAL_COLUMN.test(c) && t.rows.some((r) => (r[c] ?? '') !== ''));
  const numeric = new Set(cols.filter((c) => shown.every((r) => NUMBER.test(r[c] ?? '') || (r[c] ?? '') === '')));
  const cut = (s: string) => (s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s);
  const cells = shown.map((r) => cols.map((c) => cut((r[c] ?? '').replace(/\s+/g, ' '))));
  const widths = cols.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j]!.length)));
  const line = (row: readonly string[]) => row.map((v, j) => (numeric.has(cols[j]!) ? v.padStart(widths[j]!) : v.padEnd(widths[j]!))).join('  ').trimEnd();
  const out = [line(cols.map((c, j) => (numeric.has(c) ? c.padStart(widths[j]!) : c))), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  if (t.rows.length > shown.length) out.push(`… ${t.rows.length - shown.length} more row(s) in the CSV`);
  return out;
}

const FINITE = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const TEXT_COLUMNS = new Set([...KEY_COLUMNS, 'status', 'error']);

/** The CSV's rows as JSON objects: metric numbers as numbers, `nan` and empty cells as null. */
export function jsonRows(csv: string): Record<string, string | number | null>[] {
  const t = parseCsv('<table>', csv);
  const constants = new Set(constantColumnsOf(t.header));
  return t.rows.map((r) => Object.fromEntries(t.header.map((c) => {
    const v = r[c] ?? '';
    if (TEXT_COLUMNS.has(c) || constants.has(c)) return [c, v];
    if (v === '' || /^nan$/i.test(v)) return [c, null];
    return [c, FINITE.test(v) ? Number(v) : v];
  })));
}
