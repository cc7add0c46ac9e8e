// Execute a plan: shared stages first (model builds, then method precomputations, which load
// their model), then cells, each phase on a small worker pool (./phase.ts) shown by listr2
// (./progress.ts). What one stage or cell does, and what is cached, is the Execution's
// (./execution.ts); this file only orders the phases and collects the result.
import type { Registries } from '../registries';
import type { CellTask, ModelTask, Plan, PlanTask, PrepareTask, TargetsTask } from '../plan/graph';
import { isExecutedStage, shardCells } from '../plan/graph';
import { RunnerError } from '../errors';
import type { TaskCache } from './cache';
import type { CellOutput } from './cell';
import { Execution } from './execution';
import type { StageOutput } from './execution';
import { phase } from './phase';
import { withProgress } from './progress';
import { yieldPoint } from './yield';
import { skippedText } from './long-records';
import { interruptTraining } from './interrupt';
import type { RendererName } from './progress';

export type { RendererName } from './progress';
export type { StageOutput } from './execution';

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

export interface RunResult {
  /** Outputs of the cells this run covered (all cells, or the shard's). */
  readonly outputs: ReadonlyMap<string, CellOutput>;
  /** Values of the model builds (their checkpoint directory left out), method precomputations and dataset targets stages this run used, by task key (failed ones left out). */
  readonly stages: ReadonlyMap<string, StageOutput>;
  readonly executed: readonly string[];
  readonly cached: readonly string[];
}

export async function runPlan(plan: Plan, reg: Registries, opts: RunOptions): Promise<RunResult> {
  const concurrency = opts.concurrency ?? 1;
  const cells: readonly CellTask[] = opts.shard ? shardCells(plan.cells, opts.shard.index, opts.shard.count) : plan.cells;
  const needed = new Set(cells.flatMap((c) => c.deps));
  const stages = plan.stages.filter(isExecutedStage).filter((s) => needed.has(s.key));
  const builds = stages.filter((s): s is ModelTask => s.kind === 'model');
  // Method precomputations and dataset targets stages (both load their model, after the builds).
  const prepares = stages.filter((s): s is PrepareTask | TargetsTask => s.kind === 'prepare' || s.kind === 'targets');
  const exec = new Execution(plan, reg, opts.cache, { retryFailed: opts.retryFailed });
  const stopTraining = interruptTraining(opts.signal); // signals inside one long edit (./interrupt.ts)

  try {
    // An abort (a signal, cli/experiment-commands.ts) stops both phases from starting tasks and
    // abandons the cells in flight at their next yield point; withProgress then returns.
    await withProgress(
      { renderer: opts.renderer, intervalMs: opts.progressIntervalMs, signal: opts.signal },
      {
        total: builds.length + prepares.length,
        run: async (tick, _note, track) => {
          const stagePhase = (list: readonly (ModelTask | PrepareTask | TargetsTask)[]) =>
            phase(list, concurrency, opts.signal, async (t) => {
              const live = track(t.label);
              try {
                const o = await exec.runStage(t, yieldPoint({ signal: opts.signal, onStep: live.step }));
                live.end();
                if (o.status !== 'failed') opts.onTaskDone?.(t, o.status === 'cached');
                tick(o.status === 'cached', o.status === 'failed');
              } finally {
                live.end(); // (again, when it threw)
              }
            });
          await stagePhase(builds); // model builds first: a precomputation loads its model
          await stagePhase(prepares);
        },
      },
      {
        total: cells.length,
        run: (tick, note, track) =>
          phase(cells, concurrency, opts.signal, async (c) => {
            const live = track(c.label);
            try {
              // The cell's yield points: the event loop's turns, its progress on the display, and
              // where it is abandoned (not cached) once the run is aborted (./yield.ts).
              const { status, output } = await exec.runCell(c, yieldPoint({ signal: opts.signal, onStep: live.step }));
              const failed = output.status === 'failed' || (status !== 'cached' && output.status === 'diverged');
              if (status !== 'cached' && failed) note(`${output.status}: ${c.label}: ${output.error ?? ''}`);
              else if (status !== 'cached' && output.skipped) note(`warning: ${c.label}: ${skippedText(output.skipped, output.skipped.records.length + output.records.length)}`);
              live.end();
              tick(status === 'cached', failed);
              opts.onTaskDone?.(c, status === 'cached');
            } finally {
              live.end(); // (again, when it threw)
            }
          }),
      },
    );
  } finally {
    stopTraining();
    exec.dispose();
  }
  if (opts.signal?.aborted) {
    throw new RunnerError('ABORTED', `run interrupted after ${exec.executed.length} new task(s) (finished tasks are cached in ${opts.cache.dir}); rerun the same command to resume`);
  }
  return { outputs: exec.outputs, stages: exec.stageOutputs([...builds, ...prepares]), executed: exec.executed, cached: exec.cached };
}
