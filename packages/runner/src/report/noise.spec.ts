// Noise-aware `editlab diff` (noise.ts, diff.ts, cli/other-commands.ts): two runs that differ only by
// seed noise show no regression; a real one is reported, exits 1 with --fail-on-regression, and so does
// a row whose status leaves ok. --tolerance overrides the noise rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWorkspace } from '../testing/cli';
import { BASE_SPEC } from '../testing/tmp';

const { ws, cli } = cliWorkspace();
afterAll(() => ws.cleanup());

// 40 records; the method drops each edit with probability `dropRate`, drawn from the seed.
const spec = (seed: number, dropRate: number, output: string, extra = '') =>
  BASE_SPEC.replace('name: fake', `name: fake\nseed: ${seed}`).replace('output: fake.csv', `output: ${output}`).replace('{ n: 12 }', '{ n: 40 }')
    .replace('  - method: table-ft\n', `  - method: table-ft\n    params: { dropRate: ${dropRate} }\n  - method: table-ft\n    label: other${extra}\n`);

beforeAll(async () => {
  ws.write({
    'a.yaml': spec(1, 0.2, 'a.csv'),
    'noise.yaml': spec(2, 0.2, 'noise.csv'), // another seed: other edits dropped, same rate
    'worse.yaml': spec(2, 0.7, 'worse.csv'), // a real regression of efficacy
    'broken.yaml': spec(2, 0.2, 'broken.csv', '\n    params: { failOn: "Subject 3 " }'),
  });
  for (const f of ['a', 'noise', 'worse', 'broken']) expect((await cli('run', `${f}.yaml`, '--renderer', 'silent')).code).toBeLessThanOrEqual(1);
}, 60_000);

const csv = (f: string) => readFileSync(join(ws.resultsDir, f), 'utf8');
const efficacy = (f: string) => Number(csv(f).split('\n')[1]!.split(',')[6]);

describe('noise-aware diff', () => {
  it('two runs differing only by seed noise: values move, no regression', async () => {
    expect(efficacy('noise.csv')).not.toBe(efficacy('a.csv')); // the noise is there
    const d = await cli('diff', 'results/a.csv', 'results/noise.csv', '--fail-on-regression', '--all');
    expect(d.code).toBe(0);
    expect(d.out).toMatch(/efficacy .* within noise {2}\(Δ 95% CI \[-\d+\.\d\d, \+\d+\.\d\d\], 40 paired records\)/);
    expect(d.out.split('\n').pop()).toBe('0 regression(s); counted: changes outside the paired 95% bootstrap interval over shared records');
    // the same pair judged by a fixed threshold of 0 reports the noise as a regression (or an improvement)
    const strict = await cli('diff', 'results/a.csv', 'results/noise.csv', '--tolerance', '0');
    expect(strict.out).toMatch(/efficacy .* (REGRESSION|better)$/m);
  });

  it('a real regression is reported and exits 1', async () => {
    const d = await cli('diff', 'results/a.csv', 'results/worse.csv', '--fail-on-regression');
    expect(d.code).toBe(1);
    expect(d.out).toMatch(/efficacy .* REGRESSION {2}\(Δ 95% CI \[-\d+\.\d\d, -\d+\.\d\d\], 40 paired records\)/);
    expect(d.out).toMatch(/^1 regression\(s\)/m);
    // a generous --tolerance overrides the intervals
    expect((await cli('diff', 'results/a.csv', 'results/worse.csv', '--fail-on-regression', '--tolerance', '80')).code).toBe(0);
  });

  it('without per-record values, the first table\'s interval columns are the noise band', async () => {
    ws.write({ 'noise-only.csv': csv('noise.csv'), 'worse-only.csv': csv('worse.csv') }); // no .records.csv, no meta beside them
    const n = await cli('diff', 'results/a.csv', 'noise-only.csv', '--fail-on-regression');
    expect(n.code).toBe(0);
    const w = await cli('diff', 'results/a.csv', 'worse-only.csv', '--fail-on-regression');
    expect(w.code).toBe(1);
    expect(w.out).toMatch(/efficacy .* REGRESSION {2}\(a's 95% CI \[\d+\.\d\d, \d+\.\d\d\]\)/);
  });

  it('--fail-on-regression fails when a row goes from ok to failed', async () => {
    const d = await cli('diff', 'results/a.csv', 'results/broken.csv', '--fail-on-regression');
    expect(d.out).toContain('[status ok → failed]');
    expect(d.out).toMatch(/^1 regression\(s\) \(1 row\(s\) no longer ok\)/m);
    expect(d.code).toBe(1);
  });
});
