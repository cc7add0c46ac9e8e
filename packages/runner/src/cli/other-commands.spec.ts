// `editlab diff | data` (cli/other-commands.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliWorkspace } from '../testing/cli';

const { ws, cli } = cliWorkspace();
afterAll(() => ws.cleanup());
// diff compares a table this workspace's run wrote.
beforeAll(async () => {
  expect(await cli('run', 'exp/spec.yaml', '--renderer', 'silent')).toMatchObject({ code: 0 });
});

describe('editlab diff, data', () => {
  it('diff and data fetch (no network here: fails fast and says so)', async () => {
    ws.write({ 'b.csv': readFileSync(join(ws.resultsDir, 'fake.csv'), 'utf8').replace(',100.00,0.00,100.00', ',90.00,0.00,100.00') });
    const d = await cli('diff', 'results/fake.csv', 'b.csv', '--fail-on-regression');
    expect(d.code).toBe(1);
    expect(d.out).toContain('  efficacy           100.00 → 90.00        -10.00  REGRESSION');
    const t0 = Date.now();
    const f = await cli('data', 'fetch', 'counterfact', '--dest', 'data', '--timeout', '3');
    expect(Date.now() - t0).toBeLessThan(8000);
    if (f.code === 0) return; // a machine with internet: it downloaded (and verified) the file
    expect(f.code).toBe(3);
    expect(f.err.split('\n').pop()).toMatch(/^editlab data: no network: cannot reach memit\.baulab\.info \(.+\)\. On a machine with internet/);
    expect((await cli('data', 'fetch', 'counterfakt')).err).toBe("editlab data: unknown dataset 'counterfakt' (did you mean 'counterfact'?)");
  });

  it('data inspect prints the format, the count and every malformed record (exit 1 when any)', async () => {
    ws.write({ 'd/ok.json': '[{"prompt": "a", "target_new": "b"}]', 'd/bad.json': '[{"prompt": "a", "target_new": "b"}, {"prompt": 3}]' });
    expect(await cli('data', 'inspect', 'd/ok.json')).toMatchObject({ code: 0, out: 'd/ok.json: format flat-edit (detected), 1 record(s), 0 malformed' });
    const bad = await cli('data', 'inspect', 'd/bad.json', '--format', 'flat-edit');
    expect(bad.code).toBe(1);
    expect(bad.out.split('\n')).toEqual([
      'd/bad.json: format flat-edit (given), 2 record(s), 2 malformed',
      '  d/bad.json [1] prompt: must be a string, got number',
      '  d/bad.json [1] target_new: missing',
    ]);
    expect(await cli('data', 'inspect', 'd/bad.json', '--format', 'flat-edt')).toMatchObject({ code: 2, err: "editlab data: data inspect: unknown format 'flat-edt' (did you mean 'flat-edit'?)" });
  });
});
