// editlab validate | plan | run | merge.
import { resolve } from 'node:path';
import { RunnerError, SpecError, UsageError } from '../errors';
import { buildSchema } from '../experiment-spec/schema';
import { checkSpec, mergeShards, planExperiment, runExperiment } from '../experiment';
import type { SpecOptions, Workspace } from '../experiment';
import { parseOverride } from '../experiment-spec/overrides';
import { consoleTable, jsonRows } from '../report/console-table';
import { TaskCache } from '../exec/cache';
import { isExecutedStage, shardCells } from '../plan/graph';
import { writeFileAtomic } from '../util/atomic';
import { stableJson } from '../util/json';
import { displayPath } from '../experiment-spec/load';
import { parse, str, int, shardArg, oneOf } from './args';
import type { Options, Parsed } from './args';
import { loadRegistries } from './registries';
import { EXIT } from './io';
import type { Io } from './io';
import type { RendererName } from '../exec/run';

/** Row statuses that make `editlab run` exit non-zero (packages/runner/README.md, exit codes). */
const RUN_FAILURES: ReadonlySet<string> = new Set(['failed', 'diverged', 'missing']);

/** How many of these row or cell statuses are failures of the run (a verdict such as `collapsed` is not). */
export const runFailures = (statuses: readonly string[]): number => statuses.filter((s) => RUN_FAILURES.has(s)).length;

export const WORKSPACE_OPTIONS: Options = {
  'results-dir': { type: 'string' },
  'cache-dir': { type: 'string' },
  registries: { type: 'string' },
};

/** Options that change the spec before validation: --set path=value (repeatable) and --limit N (run.limit). */
const SPEC_OPTIONS: Options = { set: { type: 'string', multiple: true }, limit: { type: 'string' } };

function specOptions(p: Parsed): SpecOptions {
  const sets = (p.values['set'] as string[] | undefined) ?? [];
  const limit = int(p, 'limit', 1);
  const overrides = [...sets.map(parseOverride), ...(limit !== undefined ? [parseOverride(`run.limit=${limit}`)] : [])];
  return overrides.length ? { overrides } : {};
}

export function workspace(io: Io, p: Parsed): Workspace {
  return {
    cwd: io.cwd,
    resultsDir: resolve(io.cwd, str(p, 'results-dir') ?? 'results'),
    cacheDir: resolve(io.cwd, str(p, 'cache-dir') ?? io.env['EDITLAB_CACHE'] ?? '.editlab-cache'),
  };
}

function specArgs(cmd: string, p: Parsed, min = 1): string[] {
  if (p.positionals.length < min) throw new UsageError(`${cmd}: give a spec file, e.g. editlab ${cmd} experiments/quickstart.yaml`);
  return p.positionals;
}

export async function validateCmd(argv: readonly string[], io: Io): Promise<number> {
  // `--write-schema` takes an optional path (a .json file); without one it writes experiments/schema.json.
  const args = argv.map((a, i) => (a === '--write-schema' && !(argv[i + 1] ?? '').endsWith('.json') ? '--write-schema=experiments/schema.json' : a));
  const p = parse('validate', args, { ...WORKSPACE_OPTIONS, ...SPEC_OPTIONS, json: { type: 'boolean' }, 'write-schema': { type: 'string' } });
  const reg = await loadRegistries(io, str(p, 'registries'));
  const schemaOut = str(p, 'write-schema');
  if (schemaOut !== undefined) {
    const target = resolve(io.cwd, schemaOut);
    writeFileAtomic(target, stableJson(buildSchema(reg)));
    io.out(`wrote ${displayPath(target, io.cwd)}`);
  } else specArgs('validate', p);
  const ws = workspace(io, p);
  const so = specOptions(p);
  if (p.values['json'] === true) return validateJson(p.positionals, reg, ws, so, io);
  for (const f of p.positionals) {
    const spec = checkSpec(f, reg, ws, so);
    io.out(`ok  ${f}  (${spec.models.length} model(s) × ${spec.datasets.length} dataset(s) × ${spec.methods.length} method(s) × ${spec.protocols.length} protocol(s) → ${spec.output})`);
  }
  return EXIT.ok;
}

/** validate --json: one object per spec, { spec, ok, output?, spec (resolved) | problems: [{ file, line, col, path, message, hint? }] }. */
function validateJson(files: readonly string[], reg: Awaited<ReturnType<typeof loadRegistries>>, ws: Workspace, so: SpecOptions, io: Io): number {
  let bad = 0;
  for (const f of files) {
    try {
      const spec = checkSpec(f, reg, ws, so);
      io.out(JSON.stringify({ file: f, ok: true, output: spec.output, resolved: spec }));
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      bad++;
      io.out(JSON.stringify({ file: f, ok: false, problems: e.diagnostics.map((d) => ({ ...d.pos, path: d.path, message: d.message, ...(d.hint ? { hint: d.hint } : {}) })) }));
    }
  }
  return bad ? EXIT.usage : EXIT.ok;
}

export async function planCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('plan', argv, { ...WORKSPACE_OPTIONS, ...SPEC_OPTIONS, shard: { type: 'string' }, json: { type: 'boolean' } });
  const reg = await loadRegistries(io, str(p, 'registries'));
  const ws = workspace(io, p);
  const cache = new TaskCache(ws.cacheDir);
  const shard = shardArg(str(p, 'shard'));
  for (const f of specArgs('plan', p)) {
    const { plan, paths } = await planExperiment(f, reg, ws, specOptions(p));
    const cells = shard ? shardCells(plan.cells, shard.index, shard.count) : plan.cells;
    const inShard = new Set(cells.map((c) => c.key));
    const mark = (k: string) => (cache.has(k) ? 'cached' : 'todo  ');
    if (p.values['json'] === true) {
      io.out(JSON.stringify({
        spec: f, output: displayPath(paths.csv, io.cwd), planKey: plan.planKey,
        stages: plan.stages.map((s) => ({ key: s.key, kind: s.kind, label: s.label, deps: s.deps, cached: isExecutedStage(s) ? cache.has(s.key) : null })),
        cells: cells.map((c) => ({ key: c.key, row: c.row, label: c.label, deps: c.deps, cached: cache.has(c.key), ...(c.unsupported ? { unsupported: c.unsupported } : {}) })),
      }));
      continue;
    }
    io.out(`${f} → ${displayPath(paths.csv, io.cwd)}   plan ${plan.planKey.slice(0, 12)}${shard ? `   shard ${shard.index}/${shard.count}` : ''}`);
    io.out('shared stages:');
    for (const s of plan.stages) {
      const state = isExecutedStage(s) ? mark(s.key) : 'ready ';
      io.out(`  ${state}  ${s.key.slice(0, 12)}  ${s.kind.padEnd(7)}  ${s.label}${s.deps.length ? `  ← ${s.deps.map((d) => d.slice(0, 8)).join(', ')}` : ''}`);
    }
    io.out('cells (rows of the table):');
    let todo = 0;
    for (const r of plan.rows) {
      const mine = r.cells.filter((k) => inShard.has(k));
      if (!mine.length) continue;
      const done = mine.filter((k) => cache.has(k)).length;
      todo += mine.length - done;
      const k = r.keys;
      io.out(`  ${String(done).padStart(4)}/${String(mine.length).padEnd(4)} cached  ${k.model} · ${k.dataset} · ${k.method}${k.hparams ? ` [${k.hparams}]` : ''} · ${k.protocol}`);
    }
    const unsupported = cells.filter((c) => c.unsupported);
    for (const c of unsupported.slice(0, 5)) io.out(`  unsupported: ${c.label}: ${c.unsupported}`);
    io.out(`${cells.length} cell task(s), ${cells.length - todo} cached, ${todo} to run`);
  }
  return EXIT.ok;
}

/** The conventional exit status of a process stopped by `sig` (128 + its number): 130, 143. */
function signalExit(sig: NodeJS.Signals): number {
  return sig === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

/** `w` as one shell word (quoted when it has anything but safe characters). */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

export async function runCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('run', argv, {
    ...WORKSPACE_OPTIONS,
    shard: { type: 'string' },
    concurrency: { type: 'string', short: 'j' },
    renderer: { type: 'string' },
    'retry-failed': { type: 'boolean' },
    json: { type: 'boolean' },
    ...SPEC_OPTIONS,
  });
  const json = p.values['json'] === true;
  const reg = await loadRegistries(io, str(p, 'registries'));
  const ws = workspace(io, p);
  const shard = shardArg(str(p, 'shard'));
  const renderer: RendererName = oneOf('renderer', str(p, 'renderer'), ['default', 'simple', 'verbose', 'silent'] as const) ?? (json ? 'silent' : io.isTTY ? 'default' : 'verbose');
  const so = specOptions(p);
  const concurrency = int(p, 'concurrency', 1) ?? 1;
  // A signal aborts the run: the cells in flight are abandoned at their next yield point (not cached),
  // finished tasks stay cached, and the run exits 130 (SIGINT) or 143 (SIGTERM) saying how to resume.
  // A second signal exits at once (cache writes are atomic, so that too leaves a consistent cache).
  const abort = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (received) process.exit(signalExit(sig));
    received = sig;
    io.err(`editlab run: ${sig}: stopping at the next record; finished tasks stay cached (${sig === 'SIGINT' ? 'press Ctrl-C' : `send ${sig}`} again to stop at once)`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let failures = 0;
  try {
    for (const f of specArgs('run', p)) {
      const env = await reg.environment();
      const backend = (env['backend'] as { name?: string } | undefined)?.name ?? String(env['backend'] ?? 'n/a');
      io.err(`editlab run ${f}  backend=${backend}  cache=${displayPath(ws.cacheDir, io.cwd)}`);
      let r: Awaited<ReturnType<typeof runExperiment>>;
      try {
        r = await runExperiment(f, reg, ws, {
          renderer, concurrency, signal: abort.signal, progressIntervalMs: io.isTTY ? 0 : 5000, retryFailed: p.values['retry-failed'] === true, ...(shard ? { shard } : {}), ...so,
        });
      } catch (e) {
        if (!(received && e instanceof RunnerError && e.code === 'ABORTED')) throw e;
        io.err(`editlab run: ${received}: ${e.message}: editlab run ${argv.map(shellWord).join(' ')}`);
        return signalExit(received);
      }
      const bad = r.table ? r.table.rows.filter((x) => x.status !== 'ok' && x.status !== 'unsupported') : [];
      // A verdict on a finished row (collapsed, no-forgetting: the papers grey such rows out) is a result, not a
      // failure of the run; rows that did not compute (failed, diverged, missing) set the exit code.
      failures += runFailures(r.table ? bad.map((x) => x.status) : [...r.run.outputs.values()].map((o) => o.status));
      if (json) {
        io.out(JSON.stringify({
          spec: f, executed: r.run.executed.length, cached: r.run.cached.length,
          ...(r.shardFile ? { shardFile: displayPath(r.shardFile, io.cwd) } : {}),
          ...(r.table ? { csv: displayPath(r.prepared.paths.csv, io.cwd), meta: displayPath(r.prepared.paths.meta, io.cwd), plots: (r.plots ?? []).map((s) => displayPath(s, io.cwd)), rows: jsonRows(r.table.csv) } : {}),
        }));
        continue;
      }
      io.out(`${f}: ${r.run.executed.length} task(s) run, ${r.run.cached.length} cached`);
      if (r.shardFile) io.out(`wrote ${displayPath(r.shardFile, io.cwd)} (merge all shards with: editlab merge ${displayPath(r.prepared.paths.shard(0, shard!.count), io.cwd).replace(/shard-0-of-/, 'shard-*-of-')})`);
      if (r.table) {
        io.out(`wrote ${displayPath(r.prepared.paths.csv, io.cwd)} (+ .meta.json, .timing.json)`);
        for (const svg of r.plots ?? []) io.out(`wrote ${displayPath(svg, io.cwd)}`);
        for (const b of bad) io.err(`${b.status}: ${b.keys.model} · ${b.keys.dataset} · ${b.keys.method}${b.keys.hparams ? ` [${b.keys.hparams}]` : ''} · ${b.keys.protocol}: ${b.error}`);
        io.out('');
        for (const l of consoleTable(r.table.csv)) io.out(l);
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return failures ? EXIT.failures : EXIT.ok;
}

export async function mergeCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('merge', argv, WORKSPACE_OPTIONS);
  if (!p.positionals.length) throw new UsageError('merge: give the shard files, e.g. editlab merge results/t1.shard-*-of-4.json');
  const reg = await loadRegistries(io, str(p, 'registries'));
  const { paths, table } = await mergeShards(p.positionals.map((f) => resolve(io.cwd, f)), reg, workspace(io, p));
  io.out(`merged ${p.positionals.length} shard(s) → ${displayPath(paths.csv, io.cwd)} (${table.rows.length} rows)`);
  return table.rows.some((r) => r.status === 'failed' || r.status === 'diverged') ? EXIT.failures : EXIT.ok;
}
