// `editlab` dispatch (cli/main.ts): --help and --version, unknown commands and options, usage and runtime exit codes.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cliWorkspace } from '../testing/cli';

const { ws, cli } = cliWorkspace();
afterAll(() => ws.cleanup());

describe('editlab CLI', () => {
  it('--help on every command, usage errors exit 2 with a hint and no stack trace', async () => {
    for (const c of ['validate', 'plan', 'run', 'merge', 'diff', 'plot', 'pretrain', 'data', 'model', 'methods']) {
      const r = await cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`usage: editlab ${c}`);
    }
    expect(await cli('--version')).toMatchObject({ code: 0, out: '0.1.0' });
    expect(await cli('rnu')).toMatchObject({ code: 2, err: "editlab: unknown command 'rnu' (did you mean 'run'?); see editlab --help" });
    const bad = await cli('run', 'exp/spec.yaml', '--shard', '3/3');
    expect(bad).toMatchObject({ code: 2, err: "editlab run: --shard must be i/n with 0 ≤ i < n (e.g. 0/4), got '3/3'" });
    expect(await cli('validate', 'exp')).toMatchObject({ code: 2, err: `exp:1:1: /: ${join(ws.cwd, 'exp')} is a directory, not a spec file\nspec invalid (1 problem(s))` });
    ws.write({ 'ro/file': 'x' });
    expect(await cli('run', 'exp/spec.yaml', '--results-dir', 'ro/file', '--cache-dir', 'ro-cache', '--renderer', 'silent')).toMatchObject({ code: 3 });
    expect((await cli('run', '--concurency', '2')).err).toBe("editlab run: unknown option --concurency (did you mean '--concurrency'?); see editlab run --help");
  });
});
