// `editlab compare` (report/claims.ts, cli/compare-command.ts) on the committed quickstart table
// (results/quickstart.csv, 40 CounterFact-style records per row, its .records.csv and .meta.json):
// two rows compared by a paired bootstrap of their difference, claims judged held / not held / within
// noise, the fallback on interval columns, and file:line errors in a claims file.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../cli/main';
import type { Io } from '../cli/io';
import { PKG } from '../testing/cli';
import { tmpWorkspace } from '../testing/tmp';

const RESULTS = resolve(PKG, '../../results');
const ws = tmpWorkspace({});
afterAll(() => ws.cleanup());
mkdirSync(join(ws.cwd, 'paired'), { recursive: true });
mkdirSync(join(ws.cwd, 'bare'), { recursive: true });
for (const ext of ['.csv', '.records.csv', '.meta.json']) copyFileSync(join(RESULTS, `quickstart${ext}`), join(ws.cwd, 'paired', `quickstart${ext}`));
// Without per-record values (and meta): only the rows' interval columns are left.
copyFileSync(join(RESULTS, 'quickstart.csv'), join(ws.cwd, 'bare', 'quickstart.csv'));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env: {}, cwd: ws.cwd };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const line = (out: string, start: string) => out.split('\n').find((l) => l.startsWith(start)) ?? '';

describe('editlab compare: two rows of one table', () => {
  it('pairs the rows by record: ForGet keeps less locality than FT on tiny-gpt2, beyond the noise', async () => {
    const r = await cli('compare', 'paired/quickstart.csv', '--a', 'model=tiny-gpt2,method=FT', '--b', 'model=tiny-gpt2,method=ForGet');
    expect(r.code).toBe(0);
    // CSV values: locality 84.03 (ForGet) vs 94.83 (FT)
    expect(line(r.out, 'locality ')).toMatch(/^locality\s+84\.03 vs 94\.83\s+-10\.80 \[-\d+\.\d\d, -\d+\.\d\d\]\s+paired, 40 records\s+b lower$/);
    // both rows at 100 on every record: a zero-width interval is not a difference
    expect(line(r.out, 'efficacy ')).toMatch(/\+0\.00 \[0\.00, 0\.00\]\s+paired, 40 records\s+within noise$/);
    // the same comparison again: the seeded bootstrap gives the same bounds
    expect((await cli('compare', 'paired/quickstart.csv', '--a', 'model=tiny-gpt2,method=FT', '--b', 'model=tiny-gpt2,method=ForGet')).out).toBe(r.out);
  });

  it('without per-record values falls back on the interval columns (disjoint or within noise)', async () => {
    const r = await cli('compare', 'bare/quickstart.csv', '--a', 'model=tiny-gpt2,method=FT', '--b', 'model=tiny-gpt2,method=ForGet', '--metric', 'locality,locality-magnitude');
    // locality: [74.94, 91.76] vs [88.91, 99.17] overlap; locality-magnitude: [36.25, 63.69] vs [75.66, 91.34] do not
    expect(line(r.out, 'locality ')).toMatch(/row intervals\s+within noise$/);
    expect(line(r.out, 'locality-magnitude ')).toMatch(/-33\.06 \[-55\.09, -11\.97\]\s+row intervals\s+b lower$/);
  });

  it('says which selector is ambiguous or matches nothing', async () => {
    const r = await cli('compare', 'paired/quickstart.csv', '--a', 'method=FT', '--b', 'model=tiny-gpt2,method=NoSuch', '-m', 'locality');
    expect(r.out).toContain('n/a (b: no row matches model=tiny-gpt2, method=NoSuch)');
    const amb = await cli('compare', 'paired/quickstart.csv', '--a', 'method=FT', '--b', 'model=tiny-gpt2,method=ForGet', '-m', 'locality');
    expect(amb.out).toContain('n/a (a: 2 rows match method=FT; add key columns to pick one)');
    expect((await cli('compare', 'paired/quickstart.csv', '--a', 'FT', '--b', 'method=ForGet')).code).toBe(2);
  });
});

describe('editlab compare --claims', () => {
  const claims = `claims:
  - id: C1
    says: ForGet generalizes better than FT
    table: paired/quickstart.csv
    metric: generalization
    a: { model: tiny-gpt2, method: FT }
    b: { model: tiny-gpt2, method: ForGet }
    expect: b > a
  - id: C2
    says: ForGet keeps locality better than FT
    table: paired/quickstart.csv
    metric: locality
    a: { model: tiny-gpt2, method: FT }
    b: { model: tiny-gpt2, method: ForGet }
    expect: b > a
  - { id: C3, says: Scores differ, table: paired/quickstart.csv, metric: score, a: { model: tiny-gpt2, method: FT }, b: { model: tiny-gpt2, method: ForGet }, expect: b > a }
  - { id: C4, says: ForGet's efficacy above 99, table: paired/quickstart.csv, metric: efficacy, b: { model: tiny-gpt2, method: ForGet }, expect: "> 99" }
  - { id: C5, says: a table not run yet, table: paired/later.csv, metric: efficacy, b: { method: ForGet }, expect: "> 99" }
`;

  it('judges each claim: held, not held, within noise, threshold', async () => {
    ws.write({ 'claims.yaml': claims });
    const r = await cli('compare', '--claims', 'claims.yaml');
    expect(r.code).toBe(0);
    expect(line(r.out, 'C1 ')).toMatch(/generalization b > a\s+90\.00 vs 80\.00\s+\+10\.00 \[\d+\.\d\d, \d+\.\d\d\]\s+paired, 40 records\s+held$/);
    expect(line(r.out, 'C2 ')).toMatch(/not held$/);
    expect(line(r.out, 'C3 ')).toMatch(/within noise$/);
    expect(line(r.out, 'C4 ')).toMatch(/100\.0\s+100\.0 \[100\.0, 100\.0\]\s+row intervals\s+held$/);
    expect(line(r.out, 'C5 ')).toMatch(/n\/a \(paired\/later\.csv does not exist \(table not run yet\)\)$/);
    expect(r.err).toBe('5 claim(s): 2 held, 1 not held, 1 within noise, 1 n/a');
    expect((await cli('compare', '--claims', 'claims.yaml', '--fail-on-not-held')).code).toBe(1);
    const md = await cli('compare', '--claims', 'claims.yaml', '--markdown');
    expect(md.out.split('\n')[0]).toBe('| claim | says | metric, expected | b vs a | b − a or b [95%] | rule | verdict |');
    expect(md.out.split('\n')).toHaveLength(7);
  });

  it('reports a malformed claim with its file and line, never a stack trace', async () => {
    ws.write({ 'bad.yaml': claims.replace('    expect: b > a\n  - id: C2', '    expect: b >> a\n  - id: C2').replace('metric: score,', 'metric: score, colour: red,') });
    const r = await cli('compare', '--claims', 'bad.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain("bad.yaml:8:13: /claims/0/expect: 'expect' is 'b > a', 'b < a', '< <number>' or '> <number>', not 'b >> a'");
    expect(r.err).toMatch(/bad\.yaml:16:\d+: \/claims\/2\/colour: unknown field 'colour'/);
    expect(r.err).not.toMatch(/\bat \w+ \(/);
    expect(readFileSync(join(ws.cwd, 'bad.yaml'), 'utf8')).toContain('b >> a');
  });
});
