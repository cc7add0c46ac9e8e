// editlab compare: two rows of one result table, per metric, with the paired 95% bootstrap interval of
// their difference; or a claims file, each claim judged held / not held / within noise
// (report/claims.ts; docs/metrics.md "Claims and verdicts").
import { resolve } from 'node:path';
import { RunnerError, UsageError } from '../errors';
import { checkClaim, formatClaims, loadClaims, parseExpectation, TableCache } from '../report/claims';
import type { Claim, ClaimResult } from '../report/claims';
import { displayPath } from '../experiment-spec/load';
import { parse, str } from './args';
import { loadRegistries } from './registries';
import { EXIT } from './io';
import type { Io } from './io';

/** `k=v,k=v` → { k: v }. */
function selector(name: string, s: string | undefined): Record<string, string> {
  if (!s) throw new UsageError(`compare: give --${name} as column=value[,column=value…], e.g. --${name} method=FT,model=tiny-llama`);
  const out: Record<string, string> = {};
  for (const part of s.split(',')) {
    const i = part.indexOf('=');
    if (i <= 0) throw new UsageError(`compare: --${name} '${part}' is not column=value`);
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export async function compareCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('compare', argv, {
    claims: { type: 'string' }, a: { type: 'string' }, b: { type: 'string' }, metric: { type: 'string', short: 'm' },
    markdown: { type: 'boolean' }, seed: { type: 'string' }, registries: { type: 'string' }, 'fail-on-not-held': { type: 'boolean' },
  });
  const reg = await loadRegistries(io, str(p, 'registries'));
  const seed = Number(str(p, 'seed') ?? 0);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`compare: --seed must be a non-negative integer, not '${str(p, 'seed')}'`);
  const cache = new TableCache();
  const claimsFile = str(p, 'claims');
  if (claimsFile) {
    if (p.positionals.length) throw new UsageError('compare: with --claims the tables are named in the claims file; give no CSV');
    const abs = resolve(io.cwd, claimsFile);
    const claims = loadClaims(abs, displayPath(abs, io.cwd));
    const results = claims.map((c) => checkClaim(c, reg, cache, seed));
    io.out(formatClaims(results, { markdown: p.values['markdown'] === true }));
    const counts = (v: ClaimResult['verdict']) => results.filter((r) => r.verdict === v).length;
    io.err(`${results.length} claim(s): ${counts('held')} held, ${counts('not held')} not held, ${counts('within noise')} within noise, ${counts('n/a')} n/a`);
    return p.values['fail-on-not-held'] === true && counts('not held') + counts('n/a') > 0 ? EXIT.failures : EXIT.ok;
  }
  const [csv, ...rest] = p.positionals;
  if (!csv || rest.length) {
    throw new UsageError('compare: give one CSV and two rows (editlab compare t.csv --a method=FT --b method=ForGet), or --claims file.yaml');
  }
  const table = resolve(io.cwd, csv);
  const a = selector('a', str(p, 'a'));
  const b = selector('b', str(p, 'b'));
  const loaded = cache.get(table);
  const metrics = (str(p, 'metric') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const columns = metrics.length ? metrics : (loaded.columns ?? []).filter((c) => !c.text && !c.status && loaded.table.header.includes(c.column)).map((c) => c.column);
  if (!columns.length) throw new RunnerError('CSV', `${csv}: no metric columns known (no ${csv.replace(/\.csv$/, '.meta.json')}); name them with --metric`);
  const expect = parseExpectation('b > a')!;
  const results = columns.map((metric) => {
    const claim: Claim = { id: metric, says: '', table, tableAsWritten: csv, a, b, metric, expect, expectAsWritten: 'b > a' };
    return checkClaim(claim, reg, cache, seed);
  });
  io.out(formatClaims(results, { markdown: p.values['markdown'] === true, rows: true }));
  return EXIT.ok;
}
