// Diffing two result tables (diff.ts): rows aligned by key, regressions by metric direction, unreadable CSVs.
import { afterAll, describe, expect, it } from 'vitest';
import { tmpWorkspace } from '../testing/tmp';
import { fakeRegistries } from '../testing/fakes';
import { TABLE_A, TABLE_B } from '../testing/report-tables';
import { diffTables, formatDiff, readCsv } from './diff';

const ws = tmpWorkspace({ 'a.csv': TABLE_A, 'b.csv': TABLE_B });
afterAll(() => ws.cleanup());

describe('diff', () => {
  it('aligns rows by key columns (not order) and marks regressions by metric direction', () => {
    const a = readCsv(`${ws.cwd}/a.csv`);
    const b = readCsv(`${ws.cwd}/b.csv`);
    const d = diffTables(a, b, fakeRegistries().metrics);
    expect(d.keyColumns).toEqual(['model', 'dataset', 'method', 'hparams', 'protocol']);
    expect(d.metrics).toEqual(['efficacy', 'nll']);
    const ft = d.rows.find((r) => r.key.includes('FT'))!;
    expect(ft.deltas.map((x) => [x.metric, x.delta?.toFixed(2), x.verdict])).toEqual([
      ['efficacy', '2.00', 'better'],
      ['nll', '0.20', 'worse'], // lower is better for nll
    ]);
    const rome = d.rows.find((r) => r.key.includes('ROME'))!;
    expect(rome.deltas.map((x) => x.verdict)).toEqual(['worse', 'better']);
    expect(d.regressions).toBe(2);
    expect(d.onlyA).toEqual(['gpt2 · cf · GRACE ·  · single']);
    expect(d.onlyB).toEqual(['gpt2 · cf · WISE ·  · single']);
    expect(formatDiff(d, 'a.csv', 'b.csv').split('\n')).toEqual([
      'diff a.csv → b.csv  (rows aligned by model, dataset, method, hparams, protocol)',
      'gpt2 · cf · FT ·  · single',
      '  efficacy      90.00 → 92.00         +2.00  better',
      '  nll          1.5000 → 1.7000      +0.2000  REGRESSION',
      'gpt2 · cf · ROME ·  · single',
      '  efficacy      99.00 → 97.50         -1.50  REGRESSION',
      '  nll          0.9000 → 0.8000      -0.1000  better',
      '1 row(s) unchanged',
      'only in a.csv: gpt2 · cf · GRACE ·  · single',
      'only in b.csv: gpt2 · cf · WISE ·  · single',
      '2 regression(s); counted: any change (no intervals or per-record values)',
    ]);
    expect(diffTables(a, b, fakeRegistries().metrics, 2).regressions).toBe(0);
  });

  it('a missing or malformed CSV is a clear error', () => {
    expect(() => readCsv(`${ws.cwd}/none.csv`)).toThrow(/none\.csv: cannot read \(ENOENT\)/);
    ws.write({ 'bad.csv': 'a,b\n"x,1\n' });
    expect(() => readCsv(`${ws.cwd}/bad.csv`)).toThrow(/bad\.csv: not a readable CSV/);
  });
});
