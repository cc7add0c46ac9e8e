// Plots of a result table (plot.ts): bar, line and radar charts rendered to SVG.
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
});
