// Kernel time per kernel name of a tf.profile result, largest first (bench/profile.ts, bench/profile-job.ts).
import type * as tf from '@tensorflow/tfjs';

type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>;

export interface KernelTable {
  /** Sum of the kernels' times (nested scopes count their inner kernels again). */
  readonly totalMs: number;
  readonly rows: ReadonlyArray<{ readonly name: string; readonly ms: number; readonly calls: number }>;
}

export function kernelTable(prof: ProfileInfo): KernelTable {
  const by = new Map<string, { ms: number; calls: number }>();
  let totalMs = 0;
  for (const k of prof.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    totalMs += ms;
    const e = by.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += ms;
    e.calls += 1;
    by.set(k.name, e);
  }
  return { totalMs, rows: [...by.entries()].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms) };
}
