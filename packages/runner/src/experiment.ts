// The runner's programmatic API, used by the CLI and by tests: spec file → validated spec → plan →
// run → table files (or a shard file), and shard files → the single run's table.
import { dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Registries } from './registries';
import { loadSpec } from './experiment-spec/load';
import type { LoadedSpec } from './experiment-spec/load';
import { applyOverrides, atOverrides } from './experiment-spec/overrides';
import type { Override } from './experiment-spec/overrides';
import { validateSpec } from './experiment-spec/validate';
import type { Spec } from './experiment-spec/types';
import { gatherPlanInputs } from './plan/inputs';
import { planFromInputs } from './plan/graph';
import { chunkSize } from './experiment-spec/protocol';
import type { Plan } from './plan/graph';
import { expandMethods } from './plan/expand';
import { cellCount, checkCellCount } from './experiment-spec/limits';
import { runPlan } from './exec/run';
import type { RunOptions, RunResult } from './exec/run';
import { TaskCache } from './exec/cache';
import type { CellOutput } from './exec/cell';
import { renderTable, tableDoc } from './report/table';
import type { RenderedTable, TableDoc } from './report/table';
import { tablePaths, writePlots, writeTable } from './report/write';
import type { TablePaths } from './report/write';
import { checkResultsWritable, writingResults } from './report/writable';
import { writeFileAtomic } from './util/atomic';
import { stableJson, isPlainObject, type JsonObject, type JsonValue } from './util/json';
import { RunnerError, SpecError } from './errors';
import { withBuiltins } from './builtin-metrics';

export interface Workspace {
  /** Directory relative spec paths resolve against (the CLI's cwd). */
  readonly cwd: string;
  readonly resultsDir: string;
  readonly cacheDir: string;
}

export function defaultWorkspace(cwd = process.cwd()): Workspace {
  return { cwd, resultsDir: resolve(cwd, 'results'), cacheDir: resolve(cwd, '.editlab-cache') };
}

export interface Prepared {
  readonly spec: Spec;
  readonly plan: Plan;
  readonly paths: TablePaths;
}

/** How the command line changes a spec before it is validated: `--set path=value` (experiment-spec/overrides.ts). */
export interface SpecOptions {
  readonly overrides?: readonly Override[];
}

/** Load, override and validate; a problem an override causes is reported at its `--set` flag. */
function loadValid(specPath: string, reg: Registries, ws: Workspace, o: SpecOptions): { loaded: LoadedSpec; spec: Spec } {
  const loaded = applyOverrides(loadSpec(specPath, ws.cwd), o.overrides ?? []);
  try {
    return { loaded, spec: validateSpec(loaded, reg) };
  } catch (e) {
    throw e instanceof SpecError ? atOverrides(e, o.overrides ?? []) : e;
  }
}

export function checkSpec(specPath: string, registries: Registries, ws: Workspace, o: SpecOptions = {}): Spec {
  return loadValid(specPath, withBuiltins(registries), ws, o).spec;
}

export async function planExperiment(specPath: string, registries: Registries, ws: Workspace, o: SpecOptions = {}): Promise<Prepared> {
  const reg = withBuiltins(registries);
  const { loaded, spec } = loadValid(specPath, reg, ws, o);
  const inputs = await gatherPlanInputs(spec, reg, dirname(loaded.file));
  const rowsPerDataset = inputs.models.length * expandMethods(spec.methods).length;
  const cells = cellCount(rowsPerDataset, inputs.datasets.map((d) => d.records.length), (n) => spec.protocols.map((p) => chunkSize(spec.run.chunk, p, n)));
  checkCellCount(cells, loaded.sources);
  const plan = planFromInputs(spec, reg, inputs);
  return { spec, plan, paths: tablePaths(ws.resultsDir, spec.output) };
}

export interface ShardFile {
  readonly format: 'editlab-shard/1';
  readonly index: number;
  readonly count: number;
  readonly table: TableDoc;
  readonly outputs: Record<string, CellOutput>;
  /** The shared-stage values this shard used (merged into the single table's meta.json). */
  readonly stages?: Record<string, { label: string; value: JsonValue }>;
  /** The environment that computed each of this shard's cells (cached cells: when they were computed). */
  readonly environments?: Record<string, JsonObject>;
}

export interface ExperimentResult {
  readonly prepared: Prepared;
  readonly run: RunResult;
  /** The table, unless this was one shard of a sharded run. */
  readonly table?: RenderedTable;
  /** SVG files of the spec's `plots:` (not for a shard). */
  readonly plots?: readonly string[];
  readonly shardFile?: string;
}

export async function runExperiment(
  specPath: string,
  registries: Registries,
  ws: Workspace,
  opts: Omit<RunOptions, 'cache'> & SpecOptions = {},
): Promise<ExperimentResult> {
  const reg = withBuiltins(registries);
  const prepared = await planExperiment(specPath, reg, ws, opts);
  checkResultsWritable(ws.resultsDir, resultFiles(prepared, ws, opts.shard));
  const cache = new TaskCache(ws.cacheDir, { environment: prepared.plan.environment });
  const run = await runPlan(prepared.plan, reg, { ...opts, cache });
  const doc = tableDoc(prepared.plan, reg);
  const environments = cellEnvironments(cache, run.outputs.keys());
  if (opts.shard) {
    const { index, count } = opts.shard;
    const file: ShardFile = {
      format: 'editlab-shard/1', index, count, table: doc, outputs: Object.fromEntries(run.outputs), stages: Object.fromEntries(run.stages),
      environments: Object.fromEntries(environments),
    };
    const path = prepared.paths.shard(index, count);
    await writingResults(ws.resultsDir, () => writeFileAtomic(path, stableJson(file)));
    return { prepared, run, shardFile: path };
  }
  const table = renderTable(doc, run.outputs, reg, run.stages, environments);
  const plots = await writingResults(ws.resultsDir, () => {
    writeTable(prepared.paths, table);
    return writePlots(ws.resultsDir, prepared.spec, table, reg.metrics);
  });
  return { prepared, run, table, plots };
}

/** The environment recorded with each cell's cache entry (cells that never ran, e.g. unsupported, have none). */
function cellEnvironments(cache: TaskCache, keys: Iterable<string>): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const k of keys) {
    const env = cache.environmentOf(k);
    if (env) out.set(k, env);
  }
  return out;
}

/** Every file a run writes: the table's three (or its shard file) and its plots. */
function resultFiles(p: Prepared, ws: Workspace, shard?: { index: number; count: number }): string[] {
  if (shard) return [p.paths.shard(shard.index, shard.count)];
  const plots = (p.spec.plots ?? []).map((x) => tablePaths(ws.resultsDir, x.output.replace(/\.svg$/, '.csv')).csv.replace(/\.csv$/, '.svg'));
  return [p.paths.csv, p.paths.meta, p.paths.timing, ...plots];
}

function readShard(path: string): ShardFile {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new RunnerError('SHARD', `${path}: not a readable shard file (${(e as Error).message})`);
  }
  if (!isPlainObject(v) || v['format'] !== 'editlab-shard/1') throw new RunnerError('SHARD', `${path}: not an editlab shard file (format editlab-shard/1)`);
  return v as unknown as ShardFile;
}

/** Join the shard files of one sharded run into exactly the files a single run writes. */
export async function mergeShards(files: readonly string[], registries: Registries, ws: Workspace): Promise<{ paths: TablePaths; table: RenderedTable; plots: string[] }> {
  const reg = withBuiltins(registries);
  if (!files.length) throw new RunnerError('USAGE', 'merge: no shard files given');
  const shards = files.map(readShard);
  const first = shards[0]!;
  const seen = new Map<number, string>();
  shards.forEach((s, i) => {
    if (s.table.planKey !== first.table.planKey) {
      throw new RunnerError('SHARD', `${files[i]}: belongs to a different run (plan ${s.table.planKey.slice(0, 12)} ≠ ${first.table.planKey.slice(0, 12)}); rerun all shards with the same spec and code`);
    }
    if (s.count !== first.count) throw new RunnerError('SHARD', `${files[i]}: shard of ${s.count}, others are of ${first.count}`);
    if (seen.has(s.index)) throw new RunnerError('SHARD', `${files[i]}: shard ${s.index} given twice (also ${seen.get(s.index)})`);
    seen.set(s.index, files[i]!);
  });
  const missing = Array.from({ length: first.count }, (_x, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw new RunnerError('SHARD', `missing shard(s) ${missing.join(', ')} of ${first.count}`);
  const outputs = new Map<string, CellOutput>();
  const stages = new Map<string, { label: string; value: JsonValue }>();
  const environments = new Map<string, JsonObject>();
  for (const s of shards) {
    for (const [k, o] of Object.entries(s.outputs)) outputs.set(k, o);
    for (const [k, v] of Object.entries(s.stages ?? {})) stages.set(k, v);
    for (const [k, v] of Object.entries(s.environments ?? {})) environments.set(k, v);
  }
  const absent = first.table.rows.flatMap((r) => r.cells).filter((k) => !outputs.has(k));
  if (absent.length) throw new RunnerError('SHARD', `${absent.length} cell(s) are in no shard file (e.g. ${absent[0]!.slice(0, 12)}); was a shard interrupted?`);
  const paths = tablePaths(ws.resultsDir, first.table.spec.output);
  checkResultsWritable(ws.resultsDir, [paths.csv, paths.meta, paths.timing]);
  const table = renderTable(first.table, outputs, reg, stages, environments);
  return writingResults(ws.resultsDir, async () => {
    writeTable(paths, table);
    return { paths, table, plots: await writePlots(ws.resultsDir, first.table.spec, table, reg.metrics) };
  });
}
