// Test helper: a table's CSV text without its interval and spread columns (`<metric>_lo`, `_hi`, `_sd`:
// report/intervals.ts), i.e. the paper's columns in the shape they had before intervals.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export const isIntervalColumn = (h: string): boolean => /_(lo|hi|sd)$/.test(h);

export function paperColumns(csv: string): string {
  const rows = parse(csv, { columns: false, skip_empty_lines: true, relax_column_count: true }) as string[][];
  if (!rows.length) return csv;
  const keep = rows[0]!.map((h, i) => (isIntervalColumn(h) ? -1 : i)).filter((i) => i >= 0);
  return stringify(rows.map((r) => keep.map((i) => r[i] ?? '')), { record_delimiter: 'unix' });
}
