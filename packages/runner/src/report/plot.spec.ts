// Plots of a result table (plot.ts): bar, line, radar and heatmap charts rendered to SVG.
import { afterAll, describe, expect, it } from 'vitest';
import { tmpWorkspace } from '../testing/tmp';
import { TABLE_B } from '../testing/report-tables';
import { readCsv } from './diff';
import { parseCsv } from './diff';
import { plotSpec, renderSvg, tableTitle, wrapLabel } from './plot';

const ws = tmpWorkspace({ 'b.csv': TABLE_B });
afterAll(() => ws.cleanup());

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

  it('titles the axes with units and the legend with what it encodes, wraps long labels, draws interval error bars', async () => {
    const csv = [
      'model,dataset,method,hparams,protocol,n,efficacy,efficacy.lo,efficacy.hi,status,error',
      'tiny-gpt2,cf,ForGet(2MLP forget+learn) long label,,single,10,90.00,85.00,95.00,ok,',
      'tiny-llama,cf,ForGet(2MLP forget+learn) long label,,single,10,80.00,70.00,88.00,ok,',
      'tiny-gpt2,cf,FT,,single,10,70.00,60.00,75.00,ok,',
      'tiny-llama,cf,FT,,single,10,60.00,55.00,65.00,ok,',
    ].join('\n');
    const svg = await renderSvg(plotSpec(parseCsv('t.csv', csv), { kind: 'bar', metrics: ['efficacy'], units: { efficacy: '%' }, title: 'Table 2' }));
    const texts = [...svg.matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(texts).toEqual(expect.arrayContaining(['efficacy (%)', 'model', 'method', 'Table 2', 'tiny-gpt2', 'tiny-llama']));
    expect(svg).toContain('<tspan>ForGet(2MLP</tspan><tspan x="0" dy="12">forget+learn)</tspan><tspan x="0" dy="12">long label</tspan>');
    expect(svg.match(/aria-roledescription="errorbar"/g)).toHaveLength(4);
    const noIntervals = await renderSvg(plotSpec(parseCsv('t.csv', csv.replace(/efficacy\.lo,efficacy\.hi/, 'a,b')), { kind: 'bar', metrics: ['efficacy'] }));
    expect(noIntervals).not.toContain('errorbar');
    expect(wrapLabel('ForGet(2MLP forget+learn)')).toBe('ForGet(2MLP\nforget+learn)');
    expect(wrapLabel('a-single-very-long-word')).toBe('a-single-very-long-word');
  });

  it('a table\'s title comes from its meta file (spec description or name), else its file name', () => {
    ws.write({ 't1.csv': TABLE_B, 't1.meta.json': JSON.stringify({ spec: { name: 'forget-table1', description: 'ForGet Table 1' } }), 't2.csv': TABLE_B });
    expect(tableTitle(`${ws.cwd}/t1.csv`)).toBe('ForGet Table 1');
    expect(tableTitle(`${ws.cwd}/t2.csv`)).toBe('t2');
  });

  it('renders a heatmap (editlab trace\'s CSV): one rect per cell, one panel per --series value', async () => {
    const rows = ['model,kind,token,layer,effect,facts'];
    for (const kind of ['hidden', 'mlp']) for (const token of ['last subject token', 'last token']) for (const layer of [0, 1, 2]) rows.push(`m,${kind},${token},${layer},${(layer / 10).toFixed(6)},20`);
    ws.write({ 'h.csv': rows.join('\n') + '\n' });
    const t = readCsv(`${ws.cwd}/h.csv`);
    const o = { kind: 'heatmap' as const, x: 'layer', y: 'token', metrics: ['effect'], series: 'kind' };
    const svg = await renderSvg(plotSpec(t, o));
    expect(svg.match(/aria-roledescription="rect mark"/g)).toHaveLength(12);
    expect(svg).toContain('last subject token');
    expect(svg).toContain('mlp');
    expect(await renderSvg(plotSpec(t, o))).toBe(svg);
    expect(() => plotSpec(t, { kind: 'heatmap', x: 'layer', metrics: ['effect'] })).toThrow(/needs --x and --y/);
    expect(() => plotSpec(t, { ...o, y: 'tok' })).toThrow(/no column 'tok'/);
  });
});
