// Plots of a result table (plot.ts): bar, line, radar and heatmap charts rendered to SVG.
import { afterAll, describe, expect, it } from 'vitest';
import { tmpWorkspace } from '../testing/tmp';
import { TABLE_B } from '../testing/report-tables';
import { readCsv } from './diff';
import { plotSpec, renderSvg } from './plot';

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
