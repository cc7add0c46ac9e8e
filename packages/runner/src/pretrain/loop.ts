// Pretraining on the engine's training loop (trainLoop): next-token cross-entropy over packed corpus
// rows, the engine's fused Adam with the one schedule (linear warm-up, cosine decay) and the one
// global-norm clip, plus what only pretraining needs: periodic resumable state (the loop runs in
// chunks between saves) and progress. Deterministic for a seed: the data order comes from pack.ts's
// seeded stream, the model init from the model's own seed.
import * as tf from '@tensorflow/tfjs';
import { adam, lrAt as scheduleLr, objectives, trainLoop, type Batch, type BatchStream, type TrainableModel } from '@editlab/engine';
import { RowStream, type PackedRow } from './pack';
import { yieldToEventLoop } from '../exec/yield';
import { loadTrainState, saveTrainState, type TrainState } from './state';

export interface Schedule {
  readonly steps: number;
  readonly batchSize: number;
  /** Model input length T (rows hold T+1 tokens). */
  readonly seqLen: number;
  /** Peak learning rate. */
  readonly lr: number;
  readonly warmupSteps: number;
  /** Final learning rate as a fraction of the peak (cosine floor). */
  readonly minLrRatio: number;
  /** Clip the global gradient norm to this value (0 = no clipping). */
  readonly clipNorm: number;
  readonly beta1: number;
  readonly beta2: number;
}

/** Learning rate at optimizer step `step` (0-based): the engine's schedule, warm-up then cosine to the floor. */
export function lrAt(s: Schedule, step: number): number {
  return scheduleLr(s.lr, step, s.steps, { warmupSteps: s.warmupSteps, minLrRatio: s.minLrRatio });
}

export interface Progress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly lr: number;
  readonly epoch: number;
  readonly tokensPerSecond: number;
  readonly wallSeconds: number;
}

export interface LoopOptions {
  readonly schedule: Schedule;
  readonly seed: number;
  readonly padId: number;
  /** Tokenized documents (EOS appended). */
  readonly docs: readonly (readonly number[])[];
  /** Resumable state file; absent = no periodic state. */
  readonly statePath?: string;
  /** Save state every this many steps. */
  readonly saveEvery?: number;
  /** Identifies the run; a state file with another key is refused rather than resumed. */
  readonly runKey: string;
  readonly onProgress?: (p: Progress) => void;
  /** Report progress every this many steps (default 10). */
  readonly progressEvery?: number;
  /** Stop (saving state) once this many steps are done, as a kill would: the next call resumes. */
  readonly stopAfter?: number;
  /** Awaited every `sliceSteps` steps (default 10) with the steps done: the caller's turn of the event loop
   *  (its display, its signals; runner exec/yield.ts). It may reject to stop the run: the state saved last
   *  stays, and the next call resumes from it. Without it, a bare turn of the event loop. */
  readonly onSlice?: (step: number, steps: number) => Promise<void>;
  readonly sliceSteps?: number;
}

export interface LoopResult {
  /** False when stopped early by `stopAfter` (the state file holds the run so far). */
  readonly complete: boolean;
  readonly losses: readonly number[];
  readonly wallSeconds: number;
  readonly epochs: number;
  readonly resumedFrom: number;
}

function batchTensors(rows: readonly PackedRow[], T: number): Batch {
  const B = rows.length;
  const ids = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const mask = new Float32Array(B * T);
  rows.forEach((r, b) => {
    ids.set(r.ids.subarray(0, T), b * T);
    targets.set(r.ids.subarray(1, T + 1), b * T);
    mask.set(r.mask, b * T);
  });
  return { ids: tf.tensor2d(ids, [B, T], 'int32'), targets: tf.tensor1d(targets, 'int32'), mask: tf.tensor1d(mask, 'float32') };
}

/** The packed rows as the loop's batch stream; counts the real (unmasked) tokens drawn. */
function rowBatches(stream: RowStream, batchSize: number, seqLen: number): BatchStream & { tokens: number } {
  let current: Batch | undefined;
  const release = (): void => {
    if (current) tf.dispose([current.ids, current.targets, current.mask]);
    current = undefined;
  };
  return {
    tokens: 0,
    next() {
      release();
      const rows = stream.nextBatch(batchSize);
      this.tokens += rows.reduce((n, r) => n + r.mask.reduce((a, m) => a + m, 0), 0);
      return (current = batchTensors(rows, seqLen));
    },
    dispose: release,
  };
}

async function snapshot(model: TrainableModel, opt: tf.AdamOptimizer, base: Omit<TrainState, 'tensors'>): Promise<TrainState> {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, v] of model.params) tensors.set(`w:${name}`, { shape: v.shape, data: (await v.data()) as Float32Array });
  const ow = await opt.getWeights();
  // Adam's running β₁ᵗ, β₂ᵗ: setWeights would recompute them as powers, which differ from the
  // running products in the last bits — saved as they are so a resumed run is bit-identical.
  const acc = opt as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
  tensors.set('adam:accBeta1', { shape: [], data: (await acc.accBeta1.data()) as Float32Array });
  tensors.set('adam:accBeta2', { shape: [], data: (await acc.accBeta2.data()) as Float32Array });
  for (const [i, w] of ow.entries()) {
    tensors.set(`opt:${String(i).padStart(5, '0')}:${w.name}`, { shape: w.tensor.shape, data: (await w.tensor.data()) as Float32Array });
  }
  return { ...base, tensors };
}

async function restore(model: TrainableModel, opt: tf.AdamOptimizer, st: TrainState): Promise<void> {
  const slots: Array<{ name: string; tensor: tf.Tensor }> = [];
  const accs: Array<[string, Float32Array]> = [];
  for (const [key, t] of st.tensors) {
    if (key.startsWith('adam:')) accs.push([key.slice(5), t.data]);
    else if (key.startsWith('w:')) {
      const v = model.params.get(key.slice(2));
      if (!v) throw new Error(`training state has weight '${key.slice(2)}' that the model lacks`);
      tf.tidy(() => v.assign(tf.tensor(t.data, t.shape, 'float32')));
    } else {
      slots.push({ name: key.slice('opt:00000:'.length), tensor: tf.tensor(t.data, t.shape, 'float32') });
    }
  }
  if (slots.length) await opt.setWeights(slots);
  const acc = opt as unknown as Record<string, tf.Variable>;
  for (const [name, data] of accs) tf.tidy(() => acc[name]!.assign(tf.scalar(data[0]!)));
}

/** Train `model` in place. Resumes from `statePath` when it holds a state of the same run. */
export async function pretrainLoop(model: TrainableModel, o: LoopOptions): Promise<LoopResult> {
  const s = o.schedule;
  const opt = adam(s.lr, s.beta1, s.beta2, 1e-8); // the engine's fused Adam (same state as tf.train.adam)
  const vars = [...model.params.values()];
  let step = 0;
  let losses: number[] = [];
  let wallBefore = 0;
  let epoch = 0;
  let row = 0;
  const prev = o.statePath ? loadTrainState(o.statePath) : undefined;
  if (prev && prev.runKey === o.runKey) {
    await restore(model, opt, prev);
    ({ step, epoch, row, wallSeconds: wallBefore } = prev);
    losses = [...prev.losses];
  }
  const resumedFrom = step;
  const stream = new RowStream(o.docs, o.seed, { seqLen: s.seqLen, padId: o.padId }, epoch, row);
  const t0 = performance.now();
  const every = o.progressEvery ?? 10;
  const save = async (): Promise<void> => {
    if (!o.statePath) return;
    const wallSeconds = wallBefore + (performance.now() - t0) / 1000;
    saveTrainState(o.statePath, await snapshot(model, opt, { step, epoch: stream.epoch, row: stream.row, losses, wallSeconds, runKey: o.runKey }));
  };
  const batches = rowBatches(stream, s.batchSize, s.seqLen);
  // At least one step per call, as a kill after it would leave it (a stopAfter at or before the resumed step).
  const end = Math.min(s.steps, o.stopAfter !== undefined ? Math.max(o.stopAfter, step + 1) : s.steps);
  // The loop runs in slices of `sliceSteps`, cut at the state saves (a save reads weights and Adam moments
  // asynchronously); between slices the event loop gets a turn. The same steps in the same order as one call.
  const slice = Math.max(1, o.sliceSteps ?? 10);
  try {
    while (step < end) {
      const nextSave = o.saveEvery ? (Math.floor(step / o.saveEvery) + 1) * o.saveEvery : end;
      const until = Math.min(end, nextSave, step + slice);
      trainLoop(model, { text: batches }, objectives.nll('text'), {
        optimizer: opt,
        lr: s.lr,
        schedule: { warmupSteps: s.warmupSteps, minLrRatio: s.minLrRatio },
        steps: s.steps,
        startStep: step,
        endStep: until,
        clipNorm: s.clipNorm,
        onDiverged: (d) => new Error(`pretraining diverged at step ${d.step}: ${d.weight ? `weight ${d.weight} sums to` : 'loss'} ${d.value}`),
        onStep: (l) => {
          losses.push(l.loss);
          step = l.step + 1;
          if (o.onProgress && (step % every === 0 || step === s.steps)) {
            const dt = (performance.now() - t0) / 1000;
            o.onProgress({ step, steps: s.steps, loss: l.loss, lr: l.lr, epoch: stream.epoch, tokensPerSecond: batches.tokens / dt, wallSeconds: wallBefore + dt });
          }
        },
      });
      if (step < end && step === nextSave) await save();
      if (step < end) await (o.onSlice ? o.onSlice(step, s.steps) : yieldToEventLoop());
    }
    await save();
  } finally {
    opt.dispose();
    batches.dispose();
  }
  return { complete: step >= s.steps, losses, wallSeconds: wallBefore + (performance.now() - t0) / 1000, epochs: stream.epoch + stream.row / Math.max(1, stream.rowsPerEpoch), resumedFrom };
}
