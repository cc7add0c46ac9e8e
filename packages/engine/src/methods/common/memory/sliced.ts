// Side-model training in slices: the engine's one loop (train/loop.ts) run `slice` steps at a time on one
// optimizer (startStep/endStep, as pretraining pauses), with a turn of the event loop between slices, so a
// stage that trains for minutes never holds the process (the runner's progress display, a test worker's
// heartbeat). The same steps in the same order as one trainLoop call. `progress` (StageInput.progress) is
// awaited instead of the bare turn when the caller gives one: it also shows the steps done.
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
  progress?: (done: number, total: number) => Promise<void>,
): Promise<LoopResult> {
  const opt = makeOptimizer('adam', o.lr, o.adam);
  const losses: number[] = [];
  try {
    for (let start = 0; start < o.steps; start += slice) {
      const r = trainLoop(model, streams, objective, { ...o, optimizer: opt, startStep: start, endStep: Math.min(start + slice, o.steps) });
      losses.push(...r.losses);
      await (progress ? progress(Math.min(start + slice, o.steps), o.steps) : tick());
    }
  } finally {
    opt.dispose();
    for (const s of Object.values(streams)) s.dispose();
  }
  return { losses, parts: {} };
}
