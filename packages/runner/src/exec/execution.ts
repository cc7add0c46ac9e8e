// The state of one run and its two steps. `runStage` runs (or reads from the cache) one shared
// stage, `runCell` one cell; each returns what happened as an outcome value and records it here
// (prepared stage values, cell outputs, which keys were executed or served from the cache).
// Every finished task is written to the cache before its step returns, so a killed run resumes
// exactly where it stopped. A failing or diverging cell is recorded (in the cache, with its error)
// and the run goes on; a cell or stage behind a failed stage fails with that stage's error without
// running (and is not cached, so a rerun retries it once the stage succeeds).
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CellRecord, LoadedModel, MetricEntry, Registries, TuningRecord } from '../registries';
import { RunnerError } from '../errors';
import type { JsonObject, JsonValue } from '../util/json';
import type { CellTask, ModelTask, Plan, PrepareTask, TargetsTask } from '../plan/graph';
import { metricUses } from '../experiment-spec/types';
import { loadCorpus } from '../plan/corpus';
import type { TaskCache } from './cache';
import { ModelPool } from './pool';
import { runCell } from './cell';
import type { BoundMetric, CellOutput } from './cell';
import { isAbandoned } from './yield';
import { fitWindow, skippedText } from './long-records';
import { abandonInterrupted, isTrainingInterrupted } from './interrupt';
import type { YieldPoint } from './yield';

/** What a shared stage keeps (the `prepare-bytes` cost metric): its JSON value's UTF-8 bytes plus its artifact files. */
export function stageBytes(value: JsonValue, dir: string): number {
  const files = (d: string): number => (existsSync(d) ? readdirSync(d, { withFileTypes: true })
    .reduce((s, e) => s + (e.isDirectory() ? files(join(d, e.name)) : e.isFile() ? statSync(join(d, e.name)).size : 0), 0) : 0);
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8') + files(dir);
}

/** A shared stage's cached output and how long it took (the `prepare-ms` cost metric). */
export interface PreparedResult {
  readonly value: JsonValue;
  readonly ms: number;
}

/** A stage's outcome: served from the cache, run now (and cached), or failed (not cached). */
export type StageOutcome =
  | ({ readonly status: 'cached' | 'done' } & PreparedResult)
  | { readonly status: 'failed'; readonly error: string };

/**
 * A cell's outcome: served from the cache, run now (and cached; its output may still say failed or
 * diverged), or skipped: it could not start (unsupported, or behind a failed stage) and is not cached.
 */
export interface CellOutcome {
  readonly status: 'cached' | 'done' | 'skipped';
  readonly output: CellOutput;
}

/** What a method's shared stage produced (e.g. the located MLP layers), written beside the table. */
export interface StageOutput {
  readonly label: string;
  readonly value: JsonValue;
}

export interface ExecutionOptions {
  /** Recompute cells whose cached result is a failure. */
  readonly retryFailed?: boolean;
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${typeof code === 'string' ? `[${code}] ` : ''}${e.message}`.split('\n')[0]!.slice(0, 500);
  }
  return String(e);
}

/** The engine's typed divergence errors (a method's phase: METHOD_DIVERGED; the training loop: TRAINING_DIVERGED). */
export const DIVERGENCE_CODES: ReadonlySet<string> = new Set(['METHOD_DIVERGED', 'TRAINING_DIVERGED']);

function isDivergence(e: unknown): boolean {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' && DIVERGENCE_CODES.has(code);
}

const NO_RECORDS = { records: [], timing: { editMs: 0, evalMs: 0 } } as const;

export class Execution {
  /** Outcomes of shared stages (model builds and method precomputations), by task key. */
  readonly prepared = new Map<string, StageOutcome>();
  readonly outputs = new Map<string, CellOutput>();
  readonly executed: string[] = [];
  readonly cached: string[] = [];
  readonly pool: ModelPool;
  private readonly metrics: readonly BoundMetric[];

  constructor(
    private readonly plan: Plan,
    private readonly reg: Registries,
    private readonly cache: TaskCache,
    private readonly opts: ExecutionOptions = {},
  ) {
    this.pool = new ModelPool(plan.models, reg, plan.ctx, (modelIndex) => this.built(modelIndex));
    this.metrics = metricUses(plan.spec).map((use) => {
      const entry = reg.metrics.get(use.id)!;
      return { use: entry.paths ? { ...use, params: withPaths(entry, use.params, plan.ctx.specDir) } : use, entry };
    });
  }

  /** Run one model build, method precomputation or targets stage, unless it is cached or behind a failed stage. */
  async runStage(t: ModelTask | PrepareTask | TargetsTask, at?: YieldPoint): Promise<StageOutcome> {
    const hit = this.cache.get<PreparedResult>(t.key);
    if (hit) {
      this.cached.push(t.key);
      return this.settle(t.key, { status: 'cached', ...hit.result });
    }
    const upstream = this.upstreamError(t.deps);
    if (upstream !== undefined) return this.settle(t.key, { status: 'failed', error: upstream });
    const t0 = performance.now();
    let value: JsonValue;
    try {
      value = t.kind === 'model' ? await this.build(t, at) : t.kind === 'targets' ? await this.targets(t) : await this.precompute(t, at);
    } catch (e) {
      if (isAbandoned(e)) throw e;
      if (isTrainingInterrupted(e)) return abandonInterrupted();
      return this.settle(t.key, { status: 'failed', error: `stage '${t.label}' failed: ${errorText(e)}` });
    }
    const result: PreparedResult = { value, ms: Math.round(performance.now() - t0) };
    this.cache.put({ key: t.key, kind: t.kind, label: t.label, result });
    this.executed.push(t.key);
    return this.settle(t.key, { status: 'done', ...result });
  }

  /** Run one cell (or read it from the cache); a cached failure is rerun when `retryFailed`. */
  async runCell(c: CellTask, at?: YieldPoint): Promise<CellOutcome> {
    const hit = this.cache.get<CellOutput>(c.key);
    if (hit && !(this.opts.retryFailed && hit.result.status === 'failed')) {
      this.cached.push(c.key);
      return this.record(c.key, { status: 'cached', output: hit.result });
    }
    if (c.unsupported) return this.record(c.key, { status: 'skipped', output: { status: 'unsupported', error: c.unsupported, ...NO_RECORDS } });
    const upstream = this.upstreamError(c.deps);
    if (upstream !== undefined) return this.record(c.key, { status: 'skipped', output: { status: 'failed', error: upstream, ...NO_RECORDS } });
    const output = await this.edit(c, at);
    this.cache.put({ key: c.key, kind: c.kind, label: c.label, result: output });
    this.executed.push(c.key);
    return this.record(c.key, { status: 'done', output });
  }

  /** The values of the given precomputation stages that succeeded, by key (for the table's meta). */
  stageOutputs(stages: readonly (ModelTask | PrepareTask | TargetsTask)[]): Map<string, StageOutput> {
    const out = new Map<string, StageOutput>();
    for (const t of stages) {
      const r = this.prepared.get(t.key);
      if (r && r.status !== 'failed') out.set(t.key, { label: t.label, value: t.kind === 'model' ? withoutDir(r.value) : r.value });
    }
    return out;
  }

  dispose(): void {
    this.pool.disposeAll();
  }

  private settle(key: string, outcome: StageOutcome): StageOutcome {
    this.prepared.set(key, outcome);
    return outcome;
  }

  private record(key: string, outcome: CellOutcome): CellOutcome {
    this.outputs.set(key, outcome.output);
    return outcome;
  }

  /** The error of the first failed upstream stage, if any. */
  private upstreamError(deps: readonly string[]): string | undefined {
    for (const d of deps) {
      const r = this.prepared.get(d);
      if (r?.status === 'failed') return r.error;
    }
    return undefined;
  }

  /** What model `modelIndex`'s build stage produced (undefined without one, or before it ran). */
  private built(modelIndex: number): JsonValue | undefined {
    const s = this.plan.stages.find((b) => b.kind === 'model' && b.build && b.modelIndex === modelIndex);
    const r = s && this.prepared.get(s.key);
    return r && r.status !== 'failed' ? r.value : undefined;
  }

  /** Where a stage (model build or method prepare) keeps its files, inside the task cache. */
  private artifactDir(key: string): string {
    return join(this.cache.dir, 'artifacts', key);
  }

  private build(t: ModelTask, at?: YieldPoint): Promise<JsonValue> {
    const m = this.plan.models[t.modelIndex]!;
    return this.reg.models.get(m.id)!.build!.run(m.params, { ...this.plan.ctx, dir: this.artifactDir(t.key), ...(at ? { yieldPoint: at } : {}) });
  }

  /** A method's prepare stage, given what it reads (the dataset's pool, the model's corpus) and a directory. */
  private async precompute(t: PrepareTask, at?: YieldPoint): Promise<JsonValue> {
    const stage = this.reg.methods.get(t.variant.method)!.stages!.find((s) => s.name === t.stage)!;
    return this.withModel(t.modelIndex, async (model) => {
      const input = t.dataset && stage.reads === 'tuning'
        ? { tuning: await this.tuningSplit(t.dataset.index) }
        : t.dataset
        ? { records: (await this.datasetPool(t.dataset.index, t.dataset.key)).map((r) => r.request) }
        : stage.reads === 'corpus' ? { corpus: await loadCorpus(this.plan.models[t.modelIndex]!, this.reg, this.plan.ctx) } : {};
      const dir = this.artifactDir(t.key);
      mkdirSync(dir, { recursive: true });
      return stage.run(model, t.variant.params, { ...this.plan.ctx, dir, ...(at ? { yieldPoint: at } : {}) }, input);
    });
  }

  /** A dataset's targets stage (DatasetEntry.targets) on the unedited model and the dataset's records. */
  private targets(t: TargetsTask): Promise<JsonValue> {
    const d = this.plan.datasets[t.datasetIndex]!;
    const stage = this.reg.datasets.get(d.id)!.targets!(d.params)!;
    return this.withModel(t.modelIndex, (model) => stage.run(model, this.plan.records.get(t.datasetKey)!, this.plan.ctx));
  }

  /** The records a cell edits: the dataset's, rewritten by its targets stage when it has one. */
  private cellRecords(c: CellTask): readonly CellRecord[] {
    const all = this.plan.records.get(c.datasetKey)!;
    if (c.targets === undefined) return all.slice(c.start, c.end);
    const d = this.plan.datasets[c.datasetIndex]!;
    const o = this.prepared.get(c.targets);
    if (!o || o.status === 'failed') throw new Error(`cell ${c.label}: its targets stage has no value`);
    return this.reg.datasets.get(d.id)!.targets!(d.params)!.apply(all, o.value).slice(c.start, c.end);
  }

  /** The records a `reads: records` stage learns from: the dataset's whole pool, else its evaluated records. */
  private datasetPool(datasetIndex: number, datasetKey: string): Promise<readonly CellRecord[]> {
    const d = this.plan.datasets[datasetIndex]!;
    const entry = this.reg.datasets.get(d.id)!;
    return entry.pool ? entry.pool(d.params, this.plan.ctx) : Promise.resolve(this.plan.records.get(datasetKey)!);
  }

  /** The tuning split a `reads: tuning` stage trains on; a dataset without one is a named error. */
  private tuningSplit(datasetIndex: number): Promise<readonly TuningRecord[]> {
    const d = this.plan.datasets[datasetIndex]!;
    const entry = this.reg.datasets.get(d.id)!;
    if (!entry.tuning) throw new RunnerError('DATA', `dataset '${d.id}' has no tuning split, which this method's side models train on (the world datasets have one)`);
    return entry.tuning(d.params, this.plan.ctx);
  }

  /** Edit and evaluate the cell's records; a thrown error becomes a failed output. */
  private async edit(c: CellTask, at?: YieldPoint): Promise<CellOutput> {
    // Every stage of the cell succeeded (a failed one skips the cell before this): their values by name.
    const ready = c.stages.flatMap((r) => {
      const o = this.prepared.get(r.key);
      return o && o.status !== 'failed' ? [{ name: r.name, value: o.value, ms: o.ms, dir: this.artifactDir(r.key) }] : [];
    });
    const prepared = Object.fromEntries(ready.map((r) => [r.name, { value: r.value, dir: r.dir }]));
    const prepare = { ms: ready.reduce((s, r) => s + r.ms, 0), bytes: ready.reduce((s, r) => s + stageBytes(r.value, r.dir), 0) };
    const retain = this.plan.retain.get(c.datasetKey)?.map((r) => r.request);
    const records = this.cellRecords(c);
    const method = this.reg.methods.get(c.variant.method)!;
    try {
      return await this.withModel(c.modelIndex, async (model): Promise<CellOutput> => {
        // The long-record rule: records too long for the model's window are left out and listed.
        const { fit, skipped } = await fitWindow(records, this.metrics, model.scorer, model.window);
        const left = skipped ? { skipped } : {};
        if (fit.length === 0 && skipped) return { status: 'failed', error: `every record is too long: ${skippedText(skipped, records.length)}`, ...left, ...NO_RECORDS };
        const editor = method.create(c.variant.params, { ...this.plan.ctx, ...(c.seed === undefined ? {} : { seed: c.seed }), prepared, ...(retain ? { retain } : {}) });
        return { ...(await runCell(model, editor, fit, c.protocol, this.metrics, prepare, at)), ...left };
      });
    } catch (e) {
      if (isAbandoned(e)) throw e; // interrupted, not failed: nothing is recorded or cached
      if (isTrainingInterrupted(e)) return abandonInterrupted(); // a signal inside the edit (./interrupt.ts)
      // A training loss or weight that became NaN/±inf is the method diverging, not an error (README "Reliability").
      return { status: isDivergence(e) ? 'diverged' : 'failed', error: errorText(e), ...NO_RECORDS };
    }
  }

  /** Run `work` on a pooled instance of the model; one whose work threw is discarded (it may be half-edited). */
  private async withModel<T>(modelIndex: number, work: (m: LoadedModel) => Promise<T>): Promise<T> {
    const model = await this.pool.acquire(modelIndex);
    let result: T;
    try {
      result = await work(model);
    } catch (e) {
      this.pool.discard(model);
      throw e;
    }
    this.pool.release(modelIndex, model);
    return result;
  }
}

/** A metric item's params with its path params (MetricEntry.paths) resolved against the spec's directory. */
function withPaths(entry: MetricEntry, params: JsonObject, specDir: string): JsonObject {
  const out: JsonObject = { ...params };
  for (const k of Object.keys(entry.paths ?? {})) if (typeof out[k] === 'string') out[k] = resolve(specDir, out[k] as string);
  return out;
}

/** A model build's value as the meta records it: without the cache directory it was written to (a path of this machine). */
function withoutDir(v: JsonValue): JsonValue {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const { dir: _dir, ...rest } = v as JsonObject;
  return rest;
}
