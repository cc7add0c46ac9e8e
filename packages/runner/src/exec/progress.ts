// How a run shows itself: two listr2 tasks (shared stages, then cells) whose titles carry counts
// and an ETA; plain lines when not on a TTY. What runs inside each is the caller's.
import { Listr } from 'listr2';
import { isAbandoned } from './yield';
import type { CellStep } from './yield';

export type RendererName = 'default' | 'simple' | 'verbose' | 'silent';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A task in flight: its label, when it started and where it is (from its yield points, ./yield.ts). */
interface Running {
  readonly label: string;
  readonly t0: number;
  at?: CellStep;
}

/** How far a running task is, 0..1: a cell into its records (an evaluation counts half a record past its
 *  edit), a stage into its training steps. */
function fraction(at: CellStep | undefined): number {
  return at && at.total ? Math.min(1, (at.index + (at.step === 'eval' ? 0.5 : 0)) / at.total) : 0;
}

/**
 * Counts of one phase and its title ("cells 3/10 · 1 cached · 42s elapsed · ETA 12s · now: <cell
 * label>: record 5/20, 3s"). The ETA counts the finished part of the cells in flight, so it moves
 * during a cell; the elapsed time and the running cells' progress are refreshed from their yield points.
 */
export class Progress {
  done = 0;
  cached = 0;
  failed = 0;
  private executed = 0;
  private t0 = performance.now();
  private shown = -Infinity;
  private readonly running = new Map<number, Running>();
  private ids = 0;
  constructor(readonly name: string, readonly total: number, readonly intervalMs = 0, private readonly now: () => number = () => performance.now()) {
    this.t0 = now();
  }
  /** The phase starts now (its elapsed time and ETA count from here). */
  begin(): void {
    this.t0 = this.now();
  }
  /** Push the title to `set` unless one was shown less than `interval` ms ago (the last one always shows). */
  show(set: (title: string) => void, interval = this.intervalMs): void {
    const now = this.now();
    if (this.done < this.total && now - this.shown < interval) return;
    this.shown = now;
    set(this.title());
  }
  /** A task starts; the returned id reports its steps and its end. */
  start(label: string): number {
    this.running.set(++this.ids, { label, t0: this.now() });
    return this.ids;
  }
  step(id: number, at: CellStep): void {
    const r = this.running.get(id);
    if (r) r.at = at;
  }
  end(id: number): void {
    this.running.delete(id);
  }
  tick(fromCache: boolean, failed = false): void {
    this.done++;
    if (fromCache) this.cached++;
    else this.executed++;
    if (failed) this.failed++;
  }
  title(): string {
    const now = this.now();
    const partial = [...this.running.values()].reduce((a, r) => a + fraction(r.at), 0);
    const left = this.total - this.done - partial;
    const progressed = this.executed + partial;
    const parts = [`${this.name} ${this.done}/${this.total}`];
    if (this.cached) parts.push(`${this.cached} cached`);
    if (this.failed) parts.push(`${this.failed} failed`);
    if (this.running.size || this.executed) parts.push(`${duration(now - this.t0)} elapsed`);
    if (left > 0 && progressed > 0) parts.push(`ETA ${duration(((now - this.t0) / progressed) * left)}`);
    if (this.running.size) {
      const where = (at: CellStep | undefined) =>
        !at ? '' : at.step === 'train' ? `: step ${at.index}/${at.total}` : `: ${at.step} record ${at.index + 1}/${at.total}`;
      parts.push(`now: ${[...this.running.values()].map((r) => `${r.label}${where(r.at)}, ${duration(now - r.t0)}`).join(' | ')}`);
    }
    return parts.join(' · ');
  }
}

/** Report one finished task to its phase's progress. */
export type Tick = (fromCache: boolean, failed: boolean) => void;

/** A task in flight as the display sees it: where it is (its yield points call `step`), and its end. */
export interface Tracked {
  step(at: CellStep): void;
  end(): void;
}

export interface ProgressPhase {
  readonly total: number;
  /** Run the phase's tasks, calling `tick` after each, `note` for a line worth showing (a failure)
   *  and `track` when one starts (to show it while it runs). */
  run(tick: Tick, note: (line: string) => void, track: (label: string) => Tracked): Promise<void>;
}

export interface ProgressOptions {
  readonly renderer?: RendererName;
  /** Least time between two progress-title updates (plain-line renderers print each one). */
  readonly intervalMs?: number;
  /** The run's abort signal: a phase that ends aborted says "interrupted" in its title. */
  readonly signal?: AbortSignal;
}

/** Least time between two title updates made from yield points (a TTY redraws at about this rate). */
const STEP_INTERVAL_MS = 100;

/** A listr2 task running `p`, its title kept up to date by a Progress. An interrupted phase (its
 *  task abandoned at a yield point) ends quietly with "interrupted" in its title; the caller reports it. */
function listrTask(name: string, p: ProgressPhase, intervalMs: number | undefined, signal?: AbortSignal) {
  const progress = new Progress(name, p.total, intervalMs);
  return {
    title: progress.title(),
    task: async (_ctx: unknown, t: { title: string; output: string }) => {
      const set = (title: string) => (t.title = title);
      progress.begin();
      const tick: Tick = (fromCache, failed) => {
        progress.tick(fromCache, failed);
        progress.show(set);
      };
      const track = (label: string): Tracked => {
        const id = progress.start(label);
        progress.show(set, Math.max(progress.intervalMs, STEP_INTERVAL_MS));
        return {
          step: (at) => {
            progress.step(id, at);
            progress.show(set, Math.max(progress.intervalMs, STEP_INTERVAL_MS));
          },
          end: () => progress.end(id),
        };
      };
      try {
        await p.run(tick, (line) => (t.output = line), track);
      } catch (e) {
        if (!isAbandoned(e)) throw e;
      }
      if (signal?.aborted) t.title = `${progress.title()} · interrupted`;
    },
  };
}

/** Run the shared-stage phase (skipped when it has none), then the cell phase, under listr2. */
export async function withProgress(opts: ProgressOptions, stages: ProgressPhase, cells: ProgressPhase): Promise<void> {
  const list = new Listr([{ ...listrTask('shared stages', stages, opts.intervalMs, opts.signal), skip: () => stages.total === 0 }, listrTask('cells', cells, opts.intervalMs, opts.signal)], {
    renderer: (opts.renderer ?? 'default') as 'default',
    // The plain-line renderer (no TTY: CI, logs) prints each title change, which Progress.show throttles.
    ...(opts.renderer === 'verbose' ? { rendererOptions: { logTitleChange: true } as object } : {}),
    fallbackRenderer: 'verbose',
    fallbackRendererOptions: { logTitleChange: true },
    exitOnError: true,
    // Ctrl-C and SIGTERM are ours (cli/experiment-commands.ts): abandon the cells in flight at their
    // next yield point and exit 130/143 (listr2 would exit 127 at once).
    registerSignalListeners: false,
  });
  await list.run();
}
