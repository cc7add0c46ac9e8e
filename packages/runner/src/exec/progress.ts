// How a run shows itself: two listr2 tasks (shared stages, then cells) whose titles carry counts
// and an ETA; plain lines when not on a TTY. What runs inside each is the caller's.
import { Listr } from 'listr2';

export type RendererName = 'default' | 'simple' | 'verbose' | 'silent';

function eta(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Counts of one phase and its title ("cells 3/10 · 1 cached · ETA 12s"). */
export class Progress {
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

/** Report one finished task to its phase's progress. */
export type Tick = (fromCache: boolean, failed: boolean) => void;

export interface ProgressPhase {
  readonly total: number;
  /** Run the phase's tasks, calling `tick` after each and `note` for a line worth showing (a failure). */
  run(tick: Tick, note: (line: string) => void): Promise<void>;
}

export interface ProgressOptions {
  readonly renderer?: RendererName;
  /** Least time between two progress-title updates (plain-line renderers print each one). */
  readonly intervalMs?: number;
}

/** A listr2 task running `p`, its title kept up to date by a Progress. */
function listrTask(name: string, p: ProgressPhase, intervalMs: number | undefined) {
  const progress = new Progress(name, p.total, intervalMs);
  return {
    title: progress.title(),
    task: async (_ctx: unknown, t: { title: string; output: string }) => {
      const tick: Tick = (fromCache, failed) => {
        progress.tick(fromCache, failed);
        progress.show((title) => (t.title = title));
      };
      await p.run(tick, (line) => (t.output = line));
    },
  };
}

/** Run the shared-stage phase (skipped when it has none), then the cell phase, under listr2. */
export async function withProgress(opts: ProgressOptions, stages: ProgressPhase, cells: ProgressPhase): Promise<void> {
  const list = new Listr([{ ...listrTask('shared stages', stages, opts.intervalMs), skip: () => stages.total === 0 }, listrTask('cells', cells, opts.intervalMs)], {
    renderer: (opts.renderer ?? 'default') as 'default',
    fallbackRenderer: 'verbose',
    fallbackRendererOptions: { logTitleChange: true },
    exitOnError: true,
    // Ctrl-C is ours: finish the tasks in flight and exit 130 (listr2 would exit 127 at once).
    registerSignalListeners: false,
  });
  await list.run();
}
