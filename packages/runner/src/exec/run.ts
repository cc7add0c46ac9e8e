// Execute a plan: shared stages first, then cells, each phase on a small worker pool shown by
// listr2 (counts and ETA in the title; plain lines when not on a TTY). Every finished task is
// written to the cache before the next starts, so a killed run resumes exactly where it stopped.
// A failing or diverging cell is recorded (in the cache, with its error) and the run goes on.
import { Listr } from 'listr2';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CellRecord, LoadedModel, Registries } from '../registries';
import type { JsonValue } from '../util/json';
import type { CellTask, Plan, PlanTask } from '../plan/graph';
import { shardCells } from '../plan/graph';
import { loadCorpus } from '../plan/corpus';
import { RunnerError } from '../errors';
import { metricUses } from '../experiment-spec/types';
import { TaskCache } from './cache';
import { ModelPool } from './pool';
import { runCell } from './cell';
import type { CellOutput } from './cell';

export type RendererName = 'default' | 'simple' | 'verbose' | 'silent';

export interface RunOptions {
  readonly cache: TaskCache;
  readonly concurrency?: number;
  readonly renderer?: RendererName;
  /** Run only shard `index` (0-based) of `count`. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Recompute cells whose cached result is a failure. */
  readonly retryFailed?: boolean;
  /** When aborted no new task starts; finished ones stay cached. */
  readonly signal?: AbortSignal;
  /** Least time between two progress-title updates (plain-line renderers print each one). */
  readonly progressIntervalMs?: number;
  /** Called after each task's result is safely in the cache. */
  readonly onTaskDone?: (task: PlanTask, fromCache: boolean) => void;
}

/** A shared stage's cached output and how long it took (the `prepare-ms` cost metric). */
interface PreparedResult {
  readonly value: JsonValue;
  readonly ms: number;
}

/** What a method's shared stage produced (e.g. the located MLP layers), written beside the table. */
export interface StageOutput {
  readonly label: string;
  readonly value: JsonValue;
}

export interface RunResult {
  /** Outputs of the cells this run covered (all cells, or the shard's). */
  readonly outputs: ReadonlyMap<string, CellOutput>;
  /** Values of the method precomputation stages this run used, by task key (failed ones left out). */
  readonly stages: ReadonlyMap<string, StageOutput>;
  readonly executed: readonly string[];
  readonly cached: readonly string[];
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${typeof code === 'string' ? `[${code}] ` : ''}${e.message}`.split('\n')[0]!.slice(0, 500);
  }
  return String(e);
}

function eta(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Run tasks on `concurrency` workers in order, reporting progress; stops starting new ones on abort. */
async function phase<T>(items: readonly T[], concurrency: number, signal: AbortSignal | undefined, work: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

class Progress {
  done = 0;
  cached = 0;
  failed = 0;
  private executed = 0;
  private readonly t0 = performance.now();
  private shown = -Infinity;
  constructor(readonly name: string, readonly total: number, readonly intervalMs = 0) {}
  /** Push the title to `set` unless one was shown less than intervalMs ago (the last one always shows). */
  show(set: (title: string) => void): void {
    const now = performance.now();
    if (this.done < this.total && now - this.shown < this.intervalMs) return;
    this.shown = now;
    set(this.title());
  }
  tick(fromCache: boolean, failed = false): void {
    this.done++;
    if (fromCache) this.cached++;
    else this.executed++;
    if (failed) this.failed++;
  }
  title(): string {
    const left = this.total - this.done;
    const per = this.executed ? (performance.now() - this.t0) / this.executed : 0;
    const parts = [`${this.name} ${this.done}/${this.total}`];
    if (this.cached) parts.push(`${this.cached} cached`);
    if (this.failed) parts.push(`${this.failed} failed`);
    if (left && per) parts.push(`ETA ${eta(per * left)}`);
    return parts.join(' · ');
  }
}

export async function runPlan(plan: Plan, reg: Registries, opts: RunOptions): Promise<RunResult> {
  const { cache } = opts;
  const concurrency = opts.concurrency ?? 1;
  const cells = opts.shard ? shardCells(plan.cells, opts.shard.index, opts.shard.count) : [...plan.cells];
  const needed = new Set(cells.flatMap((c) => c.deps));
  const builds = plan.stages.filter((s) => s.kind === 'model' && s.build && needed.has(s.key));
  const prepares = plan.stages.filter((s) => s.kind === 'prepare' && needed.has(s.key));
  const stages = [...builds, ...prepares];
  // Results of shared stages (model builds and method precomputations), by task key.
  const prepared = new Map<string, ({ ok: true } & PreparedResult) | { ok: false; error: string }>();
  const outputs = new Map<string, CellOutput>();
  const executed: string[] = [];
  const cachedKeys: string[] = [];
  const builtValue = (modelIndex: number) => {
    const s = builds.find((b) => b.modelIndex === modelIndex);
    const r = s && prepared.get(s.key);
    return r?.ok ? r.value : undefined;
  };
  const pool = new ModelPool(plan.models, reg, plan.ctx, builtValue);
  const prepOwner = new Map<string, CellTask>();
  for (const c of cells) for (const r of c.stages) if (!prepOwner.has(r.key)) prepOwner.set(r.key, c);
  /** Where a stage (model build or method prepare) keeps its files, inside the task cache. */
  const artifactDir = (key: string) => join(cache.dir, 'artifacts', key);
  const metrics = metricUses(plan.spec).map((use) => ({ use, entry: reg.metrics.get(use.id)! }));

  /** The records a `reads: records` stage learns from: the dataset's whole pool, else its evaluated records. */
  const datasetPool = async (c: CellTask): Promise<readonly CellRecord[]> => {
    const d = plan.datasets[c.datasetIndex]!;
    const entry = reg.datasets.get(d.id)!;
    return entry.pool ? entry.pool(d.params, plan.ctx) : plan.records.get(c.datasetKey)!;
  };

  /** A stage whose upstream stage failed fails with that error, without running. */
  const upstreamError = (deps: readonly string[]) => deps.map((d) => prepared.get(d)).find((r) => r && !r.ok) as { error: string } | undefined;

  const runStage = async (t: PlanTask) => {
    const hit = cache.get<PreparedResult>(t.key);
    if (hit) {
      prepared.set(t.key, { ok: true, ...hit.result });
      cachedKeys.push(t.key);
      opts.onTaskDone?.(t, true);
      return;
    }
    const failedUpstream = upstreamError(t.deps);
    if (failedUpstream) {
      prepared.set(t.key, { ok: false, error: failedUpstream.error });
      return;
    }
    const t0 = performance.now();
    const done = (value: JsonValue) => {
      const result: PreparedResult = { value, ms: Math.round(performance.now() - t0) };
      cache.put({ key: t.key, kind: t.kind, label: t.label, result });
      prepared.set(t.key, { ok: true, ...result });
      executed.push(t.key);
      opts.onTaskDone?.(t, false);
    };
    const fail = (e: unknown) => prepared.set(t.key, { ok: false, error: `stage '${t.label}' failed: ${errorText(e)}` });
    if (t.kind === 'model') {
      const m = plan.models[t.modelIndex!]!;
      await reg.models.get(m.id)!.build!.run(m.params, { ...plan.ctx, dir: artifactDir(t.key) }).then(done, fail);
      return;
    }
    const owner = prepOwner.get(t.key)!;
    const stage = reg.methods.get(owner.variant.method)!.stages!.find((x) => x.name === t.stage)!;
    let model: LoadedModel | undefined;
    try {
      model = await pool.acquire(owner.modelIndex);
      const input = stage.reads === 'records'
        ? { records: (await datasetPool(owner)).map((r) => r.request) }
        : stage.reads === 'corpus' ? { corpus: await loadCorpus(plan.models[owner.modelIndex]!, reg, plan.ctx) } : {};
      const dir = artifactDir(t.key);
      mkdirSync(dir, { recursive: true });
      done(await stage.run(model, owner.variant.params, { ...plan.ctx, dir }, input));
      pool.release(owner.modelIndex, model);
    } catch (e) {
      if (model) pool.discard(model);
      fail(e);
    }
  };

  /** Run one cell; `attempted` is false when it could not start (unsupported, failed upstream stage), which is not cached. */
  const runOne = async (c: CellTask): Promise<{ out: CellOutput; attempted: boolean }> => {
    const none = { records: [], timing: { editMs: 0, evalMs: 0 } };
    if (c.unsupported) return { out: { status: 'unsupported', error: c.unsupported, ...none }, attempted: false };
    const failedUpstream = upstreamError(c.deps);
    if (failedUpstream) return { out: { status: 'failed', error: failedUpstream.error, ...none }, attempted: false };
    const preps = c.stages.map((r) => ({ ...r, result: prepared.get(r.key) }));
    const prepMs = preps.reduce((sum, r) => sum + (r.result?.ok ? r.result.ms : 0), 0);
    const preparedValues = Object.fromEntries(preps.flatMap((r) => (r.result?.ok ? [[r.name, { value: r.result.value, dir: artifactDir(r.key) }]] : [])));
    const retain = plan.retain.get(c.datasetKey)?.map((r) => r.request);
    const records: readonly CellRecord[] = plan.records.get(c.datasetKey)!.slice(c.start, c.end);
    const method = reg.methods.get(c.variant.method)!;
    let model: LoadedModel | undefined;
    try {
      model = await pool.acquire(c.modelIndex);
      const editor = method.create(c.variant.params, { ...plan.ctx, prepared: preparedValues, ...(retain ? { retain } : {}) });
      const out = await runCell(model, editor, records, c.protocol, metrics, prepMs);
      pool.release(c.modelIndex, model);
      return { out, attempted: true };
    } catch (e) {
      if (model) pool.discard(model);
      return { out: { status: 'failed', error: errorText(e), ...none }, attempted: true };
    }
  };

  const cellProgress = new Progress('cells', cells.length, opts.progressIntervalMs);
  const runCellTask = async (c: CellTask, setTitle: (s: string) => void, note: (s: string) => void) => {
    const hit = cache.get<CellOutput>(c.key);
    if (hit && !(opts.retryFailed && hit.result.status === 'failed')) {
      outputs.set(c.key, hit.result);
      cachedKeys.push(c.key);
      cellProgress.tick(true, hit.result.status === 'failed');
      cellProgress.show(setTitle);
      opts.onTaskDone?.(c, true);
      return;
    }
    const { out, attempted } = await runOne(c);
    if (attempted) {
      cache.put({ key: c.key, kind: c.kind, label: c.label, result: out });
      executed.push(c.key);
    }
    outputs.set(c.key, out);
    if (out.status === 'failed' || out.status === 'diverged') note(`${out.status}: ${c.label}: ${out.error ?? ''}`);
    cellProgress.tick(false, out.status === 'failed' || out.status === 'diverged');
    cellProgress.show(setTitle);
    opts.onTaskDone?.(c, false);
  };

  const prepProgress = new Progress('shared stages', stages.length, opts.progressIntervalMs);
  const list = new Listr(
    [
      {
        title: prepProgress.title(),
        skip: () => stages.length === 0,
        task: async (_ctx, task) => {
          const stagePhase = (list: readonly PlanTask[]) =>
            phase(list, concurrency, opts.signal, async (t) => {
              await runStage(t);
              prepProgress.tick(cachedKeys.includes(t.key), !prepared.get(t.key)?.ok);
              prepProgress.show((title) => (task.title = title));
            });
          await stagePhase(builds); // model builds first: a precomputation loads its model
          await stagePhase(prepares);
        },
      },
      {
        title: cellProgress.title(),
        task: async (_ctx, task) => {
          await phase(cells, concurrency, opts.signal, (c) =>
            runCellTask(c, (s) => (task.title = s), (s) => (task.output = s)),
          );
        },
      },
    ],
    {
      renderer: (opts.renderer ?? 'default') as 'default',
      fallbackRenderer: 'verbose',
      fallbackRendererOptions: { logTitleChange: true },
      exitOnError: true,
      // Ctrl-C is ours: finish the tasks in flight and exit 130 (listr2 would exit 127 at once).
      registerSignalListeners: false,
    },
  );
  try {
    await list.run();
  } finally {
    pool.disposeAll();
  }
  if (opts.signal?.aborted) {
    throw new RunnerError('ABORTED', `run interrupted after ${executed.length} new task(s); rerun the same command to resume (finished tasks are cached in ${cache.dir})`);
  }
  const stageOutputs = new Map<string, StageOutput>();
  for (const t of prepares) {
    const r = prepared.get(t.key);
    if (r?.ok) stageOutputs.set(t.key, { label: t.label, value: r.value });
  }
  return { outputs, stages: stageOutputs, executed, cached: cachedKeys };
}
