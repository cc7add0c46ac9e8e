// Side-model training in slices: the engine's one loop (train/loop.ts) run `slice` steps at a time on one
// optimizer (startStep/endStep, as pretraining pauses), with a turn of the event loop between slices, so a
// stage that trains for minutes never holds the process (the runner's progress display, a test worker's
// heartbeat). The same steps in the same order as one trainLoop call.
import type { BatchStream } from '../../../train/streams';
import { trainLoop, type LoopOptions, type LoopResult, type TrainableModel } from '../../../train/loop';
import type { Objective } from '../../../train/objective';
import { makeOptimizer } from '../../../train/optimizer';

/** A turn of the event loop. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function trainSliced<M extends TrainableModel>(
  model: M,
  streams: Readonly<Record<string, BatchStream>>,
  objective: Objective<M>,
  o: Omit<LoopOptions<M>, 'optimizer' | 'startStep' | 'endStep'>,
  slice = 10,
): Promise<LoopResult> {
  const opt = makeOptimizer('adam', o.lr, o.adam);
  const losses: number[] = [];
  try {
    for (let start = 0; start < o.steps; start += slice) {
      const r = trainLoop(model, streams, objective, { ...o, optimizer: opt, startStep: start, endStep: Math.min(start + slice, o.steps) });
      losses.push(...r.losses);
      await tick();
    }
  } finally {
    opt.dispose();
    for (const s of Object.values(streams)) s.dispose();
  }
  return { losses, parts: {} };
}
