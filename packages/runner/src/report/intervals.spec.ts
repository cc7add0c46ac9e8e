// Interval and spread columns of a table (intervals.ts, table.ts): a seeded bootstrap over records,
// byte-identical on a rerun; `seeds:` repeats a method and reports the mean and the sd across seeds.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { runExperiment } from '../experiment';
import { fakeRegistries } from '../testing/fakes';
import { tmpWorkspace, BASE_SPEC } from '../testing/tmp';
import type { TmpWorkspace } from '../testing/tmp';
import { paperColumns } from '../testing/csv';

let ws: TmpWorkspace;
afterEach(() => ws?.cleanup());

const rows = (text: string) => parse(text, { columns: true }) as Record<string, string>[];
const read = (w: TmpWorkspace, f: string) => readFileSync(`${w.resultsDir}/${f}`, 'utf8');
const NOISY = BASE_SPEC.replace('{ n: 12 }', '{ n: 40 }').replace('  - method: table-ft\n', '  - method: table-ft\n    params: { dropRate: 0.3 }\n');

describe('intervals', () => {
  it('every metric column gets a 95% bootstrap interval around its value; reruns give the same bytes', async () => {
    ws = tmpWorkspace({ 'spec.yaml': NOISY });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    const csv = read(ws, 'fake.csv');
    expect(csv.split('\n')[0]).toBe('model,dataset,method,hparams,protocol,n,efficacy,generalization,locality,score,'
      + 'efficacy_lo,efficacy_hi,generalization_lo,generalization_hi,locality_lo,locality_hi,score_lo,score_hi,status,error');
    const [r] = rows(csv);
    // 40 records, 30% of the edits dropped by the seed: efficacy near 70 with an interval of about ±14
    const eff = Number(r!['efficacy']);
    expect(eff).toBeGreaterThan(55);
    expect(eff).toBeLessThan(85);
    expect(Number(r!['efficacy_lo'])).toBeLessThan(eff);
    expect(Number(r!['efficacy_hi'])).toBeGreaterThan(eff);
    expect(Number(r!['efficacy_hi']) - Number(r!['efficacy_lo'])).toBeGreaterThan(15);
    expect(Number(r!['efficacy_hi']) - Number(r!['efficacy_lo'])).toBeLessThan(40);
    // a metric at its floor (generalization: paraphrases are never written) has a point interval
    expect([r!['generalization'], r!['generalization_lo'], r!['generalization_hi']]).toEqual(['0.00', '0.00', '0.00']);
    // the per-record values behind the row are written beside it
    const recs = rows(read(ws, 'fake.records.csv'));
    expect(recs).toHaveLength(40);
    expect((100 * recs.filter((x) => x['efficacy'] === '100.00').length) / 40).toBeCloseTo(eff, 2);
    const meta = JSON.parse(read(ws, 'fake.meta.json'));
    expect(meta.intervals).toMatchObject({ level: 0.95, resamples: 1000, seed: 0 });
    // rerun from scratch: identical bytes; another spec seed: other resamples (and other noise)
    const first = [csv, read(ws, 'fake.records.csv')];
    await runExperiment('spec.yaml', fakeRegistries(), { ...ws, cacheDir: `${ws.cacheDir}-fresh` }, { renderer: 'silent' });
    expect([read(ws, 'fake.csv'), read(ws, 'fake.records.csv')]).toEqual(first);
  });

  it('per-record tables have no interval columns', async () => {
    ws = tmpWorkspace({ 'spec.yaml': `${BASE_SPEC}rows: per-record\n` });
    await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(read(ws, 'fake.csv').split('\n')[0]).toBe('model,dataset,method,hparams,protocol,record,efficacy,generalization,locality,score,status,error');
    expect(paperColumns(read(ws, 'fake.csv'))).toBe(read(ws, 'fake.csv'));
  });

  it('seeds: repeats the method per seed; the row is the mean over seeds, _sd their spread', async () => {
    ws = tmpWorkspace({ 'spec.yaml': NOISY.replace('params: { dropRate: 0.3 }\n', 'params: { dropRate: 0.3 }\n    seeds: [1, 2, 3]\n') });
    const res = await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    expect(res.run.executed.filter((k) => res.prepared.plan.cells.some((c) => c.key === k))).toHaveLength(3 * 10); // 40 records, chunk 4, 3 seeds
    const [r] = rows(read(ws, 'fake.csv'));
    expect(r!['n']).toBe('40');
    const recs = rows(read(ws, 'fake.records.csv'));
    expect(recs).toHaveLength(120);
    const perSeed = [1, 2, 3].map((s) => {
      const mine = recs.filter((x) => x['seed'] === String(s));
      return (100 * mine.filter((x) => x['efficacy'] === '100.00').length) / mine.length;
    });
    expect(new Set(perSeed).size).toBeGreaterThan(1); // the seed reaches the method
    const m = perSeed.reduce((a, x) => a + x, 0) / 3;
    const sd = Math.sqrt(perSeed.reduce((a, x) => a + (x - m) ** 2, 0) / 2);
    expect(Number(r!['efficacy'])).toBeCloseTo(m, 2);
    expect(Number(r!['efficacy_sd'])).toBeCloseTo(sd, 2);
    expect(r!['generalization_sd']).toBe('0.00');
    // averaging over seeds narrows the interval below a single seed's
    expect(Number(r!['efficacy_hi']) - Number(r!['efficacy_lo'])).toBeLessThan(20);
  });
});

describe('seeds: in a spec', () => {
  it('needs aggregate rows (validate names the field)', async () => {
    ws = tmpWorkspace({ 'spec.yaml': `${BASE_SPEC.replace('  - method: table-ft\n', '  - method: table-ft\n    seeds: [1, 2]\n')}rows: per-record\n` });
    await expect(runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' })).rejects.toThrow(/spec\.yaml:10:\d+: \/methods\/0\/seeds: `seeds:` reports a mean and sd over seeds per row/);
  });
});
