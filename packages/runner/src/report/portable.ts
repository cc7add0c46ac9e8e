// Portability check of a result table (README.md, "Reproducibility"): the same table computed by
// another build or kernel path (the JS matmul path, EDITLAB_NATIVE=0; another CPU or BLAS) must have the
// same rows, record counts and statuses, NaN exactly where the committed table has it, and every number
// within a stated tolerance of the committed one. Byte identity is promised only for reruns on one
// machine and build.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constantColumnsOf, KEY_COLUMNS } from './table';
import { readCsv } from './diff';
import type { CsvTable } from './diff';
import { tablePaths } from './write';
import { checkSpec, defaultWorkspace } from '../experiment';
import { defaultRegistries } from '../defaults';
import { RunnerError } from '../errors';

/** Default tolerance in the CSV's own units (percentage points for the ×100 metrics): see results/README.md. */
export const PORTABLE_TOLERANCE = 0.5;

const NOT_NUMERIC = new Set<string>([...KEY_COLUMNS, 'record', 'n', 'status', 'error']);

export interface PortableReport {
  /** Largest |committed − recomputed| per numeric column (0 when every value is equal). */
  readonly maxDeviation: Readonly<Record<string, number>>;
  /** Every disagreement beyond the tolerance, one line each ([] when the tables agree). */
  readonly problems: readonly string[];
}

const isNan = (s: string) => /^-?(nan|inf(inity)?)$/i.test(s.trim());

export function comparePortable(committed: CsvTable, recomputed: CsvTable, tolerance = PORTABLE_TOLERANCE): PortableReport {
  const problems: string[] = [];
  const keyCols = committed.header.filter((h) => KEY_COLUMNS.includes(h as (typeof KEY_COLUMNS)[number]) || h === 'record');
  const constants = new Set(constantColumnsOf(committed.header));
  const numeric = committed.header.filter((h) => !NOT_NUMERIC.has(h) && !constants.has(h));
  if (committed.header.join(',') !== recomputed.header.join(',')) problems.push(`columns differ: ${committed.header.join(',')} vs ${recomputed.header.join(',')}`);
  const key = (r: Record<string, string>) => keyCols.map((c) => r[c] ?? '').join(' · ');
  const byKey = new Map(recomputed.rows.map((r) => [key(r), r]));
  const maxDeviation: Record<string, number> = Object.fromEntries(numeric.map((c) => [c, 0]));
  for (const a of committed.rows) {
    const k = key(a);
    const b = byKey.get(k);
    byKey.delete(k);
    if (!b) {
      problems.push(`${k}: missing from ${recomputed.file}`);
      continue;
    }
    for (const c of ['n', 'status'].filter((x) => committed.header.includes(x))) {
      if (a[c] !== b[c]) problems.push(`${k}: ${c} ${a[c]} vs ${b[c]}`);
    }
    for (const c of numeric) {
      const x = a[c] ?? '', y = b[c] ?? '';
      if (x === y) continue;
      if (x === '' || y === '' || isNan(x) || isNan(y)) {
        problems.push(`${k}: ${c} ${x || '(empty)'} vs ${y || '(empty)'}`);
        continue;
      }
      const d = Math.abs(Number(x) - Number(y));
      if (!Number.isFinite(d)) {
        problems.push(`${k}: ${c} ${x} vs ${y} (not numbers)`);
        continue;
      }
      maxDeviation[c] = Math.max(maxDeviation[c]!, d);
      if (d > tolerance) problems.push(`${k}: ${c} ${x} vs ${y} (|Δ| ${d.toFixed(4)} > ${tolerance})`);
    }
  }
  for (const k of byKey.keys()) problems.push(`${k}: only in ${recomputed.file}`);
  return { maxDeviation, problems };
}

export interface PortableRun {
  /** The committed table and the recomputed one. */
  readonly committed: string;
  readonly recomputed: string;
  readonly report: PortableReport;
}

export interface PortableRunOptions {
  /** Repository (workspace) root: specs resolve against it; the committed table is under <cwd>/results. */
  readonly cwd: string;
  /** Scratch directory for the recomputation's cache and results. */
  readonly scratch: string;
  readonly tolerance?: number;
  /** Environment of the child process (default: this one's) with EDITLAB_NATIVE=0 set over it. */
  readonly env?: NodeJS.ProcessEnv;
}

const BIN = fileURLToPath(new URL('../../bin/editlab.mjs', import.meta.url));

/** Recompute the spec's table on the JS path (EDITLAB_NATIVE=0) in a child process, with a fresh cache,
 * and compare it with the committed table. Asynchronous: the caller's event loop stays free meanwhile. */
export async function recomputeOnJsPath(specPath: string, opts: PortableRunOptions): Promise<PortableRun> {
  const ws = { ...defaultWorkspace(opts.cwd), cacheDir: join(opts.scratch, 'cache'), resultsDir: join(opts.scratch, 'results') };
  const spec = checkSpec(specPath, defaultRegistries(), ws);
  const committed = tablePaths(defaultWorkspace(opts.cwd).resultsDir, spec.output).csv;
  const recomputed = tablePaths(ws.resultsDir, spec.output).csv;
  const child = spawn(process.execPath, [BIN, 'run', specPath, '--cache-dir', ws.cacheDir, '--results-dir', ws.resultsDir, '--renderer', 'simple'], {
    cwd: opts.cwd, env: { ...(opts.env ?? process.env), EDITLAB_NATIVE: '0' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (b: Buffer) => { output = (output + b.toString('utf8')).slice(-4000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const status = await new Promise<number | null>((done, fail) => { child.on('error', fail); child.on('close', done); });
  if (status !== 0) {
    throw new RunnerError('PORTABLE', `EDITLAB_NATIVE=0 editlab run ${specPath} failed (exit ${status}): ${output.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return { committed, recomputed, report: comparePortable(readCsv(committed), readCsv(recomputed), opts.tolerance) };
}
