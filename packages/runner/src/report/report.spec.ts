import { afterAll, describe, expect, it } from 'vitest';
import { tmpWorkspace } from '../testing/tmp';
import { fakeRegistries } from '../testing/fakes';
import { diffTables, formatDiff, readCsv } from './diff';
import { plotSpec, renderSvg } from './plot';
import { formatNumber } from './table';

const ws = tmpWorkspace({
  'a.csv': [
    'model,dataset,method,hparams,protocol,n,efficacy,nll,status,error',
    'gpt2,cf,FT,,single,10,90.00,1.5000,ok,',
    'gpt2,cf,ROME,,single,10,99.00,0.9000,ok,',
    'gpt2,cf,MEMIT,,single,10,98.00,0.9500,ok,',
    'gpt2,cf,GRACE,,single,10,,,failed,boom',
  ].join('\n') + '\n',
  'b.csv': [
    'model,dataset,method,hparams,protocol,n,efficacy,nll,status,error',
    'gpt2,cf,ROME,,single,10,97.50,0.8000,ok,',
    'gpt2,cf,FT,,single,10,92.00,1.7000,ok,',
    'gpt2,cf,MEMIT,,single,10,98.00,0.9500,ok,',
    'gpt2,cf,WISE,,single,10,80.00,2.0000,ok,',
  ].join('\n') + '\n',
});
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
      '2 regression(s)',
    ]);
    expect(diffTables(a, b, fakeRegistries().metrics, 2).regressions).toBe(0);
  });

  it('a missing or malformed CSV is a clear error', () => {
    expect(() => readCsv(`${ws.cwd}/none.csv`)).toThrow(/none\.csv: cannot read \(ENOENT\)/);
    ws.write({ 'bad.csv': 'a,b\n"x,1\n' });
    expect(() => readCsv(`${ws.cwd}/bad.csv`)).toThrow(/bad\.csv: not a readable CSV/);
  });
});

describe('plot', () => {
  it('renders bar, line and radar charts to SVG, deterministically', async () => {
    const t = readCsv(`${ws.cwd}/b.csv`);
    const bar = await renderSvg(plotSpec(t, { kind: 'bar', metrics: ['efficacy'] }));
    expect(bar.startsWith('<svg')).toBe(true);
    expect(bar).toContain('ROME');
    expect(bar.match(/aria-roledescription="bar"/g)).toHaveLength(4); // one bar per row
    expect(await renderSvg(plotSpec(t, { kind: 'bar', metrics: ['efficacy'] }))).toBe(bar);
    const line = await renderSvg(plotSpec(t, { kind: 'line', metrics: ['efficacy', 'nll'], x: 'method' }));
    expect(line).toContain('nll');
    ws.write({ 'r.csv': 'model,dataset,method,hparams,protocol,n,rouge,prob,mrr,status,error\nm,tofu,GA,,batch(20),20,0.1,0.2,0.3,ok,\nm,tofu,IDK,,batch(20),20,0.5,0.6,0.7,ok,\n' });
    const radar = await renderSvg(plotSpec(readCsv(`${ws.cwd}/r.csv`), { kind: 'radar', metrics: ['rouge', 'prob', 'mrr'] }));
    expect(radar).toContain('IDK');
    expect(radar).toContain('mrr');
    expect(() => plotSpec(t, { kind: 'radar', metrics: ['efficacy'] })).toThrow(/at least 3 metrics/);
    expect(() => plotSpec(t, { kind: 'bar', metrics: ['eff'] })).toThrow(/no column 'eff'/);
  });
});

describe('number formatting', () => {
  it('is fixed: scale, digits, no negative zero, nan for non-finite', () => {
    expect(formatNumber(0.123456, 100, 2)).toBe('12.35');
    expect(formatNumber(-0.0000001, 1, 4)).toBe('0.0000');
    expect(formatNumber(null, 1, 2)).toBe('nan');
    expect(formatNumber(Number.NaN, 1, 2)).toBe('nan');
  });
});
