// The committed verdicts are the committed tables' (results/claims.md, quoted by docs/REPRODUCTION.md): judging
// results/claims.yaml on the committed CSVs again gives results/claims.md byte for byte, and every claim's row
// exists in a committed table or the claim says which table has not been run yet.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main';
import type { Io } from '../cli/io';
import { PKG } from '../testing/cli';

const ROOT = resolve(PKG, '../..');

describe('results/claims.md', () => {
  it('is what `editlab compare --claims results/claims.yaml --markdown` prints on the committed tables', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env: {}, cwd: ROOT };
    expect(await main(['compare', '--claims', 'results/claims.yaml', '--markdown'], io)).toBe(0);
    expect(out.join('\n') + '\n').toBe(readFileSync(join(ROOT, 'results/claims.md'), 'utf8'));
    // n/a only for a table not run yet, never for a row or column a committed table lacks
    const na = out.join('\n').split('\n').filter((l) => /\| n\/a /.test(l));
    expect(na.filter((l) => !l.includes('table not run yet'))).toEqual([]);
  });
});
