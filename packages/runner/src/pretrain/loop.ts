// The pretraining loop: next-token cross-entropy over packed corpus rows, Adam with linear warmup and
// cosine decay, gradient clipping by global norm, periodic resumable state. Deterministic for a seed:
// the data order comes from pack.ts's seeded stream, the model init from the model's own seed.
import * as tf from '@tensorflow/tfjs';
import { adam, maskedCrossEntropy } from '@editlab/engine';
import { RowStream, type PackedRow } from './pack';
import { loadTrainState, saveTrainState, type TrainState } from './state';

/** What the loop needs from a model: its named variables and a forward pass to logits [B, T, V]. */
export interface TrainableLM {
  readonly params: Map<string, tf.Variable>;
  forward(ids: tf.Tensor2D): tf.Tensor;
}

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

/**
 * Learning rate at optimizer step `step` (0-based): linear warmup to the peak over warmupSteps, then
 * cosine decay to minLrRatio·peak at the last step (the schedule of GPT-3, Brown et al. 2020, §B).
 */
export function lrAt(s: Schedule, step: number): number {
  if (step < s.warmupSteps) return (s.lr * (step + 1)) / s.warmupSteps;
  const span = Math.max(1, s.steps - s.warmupSteps);
  const p = Math.min(1, (step - s.warmupSteps) / span);
  const floor = s.lr * s.minLrRatio;
  return floor + 0.5 * (s.lr - floor) * (1 + Math.cos(Math.PI * p));
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
}

export interface LoopResult {
  /** False when stopped early by `stopAfter` (the state file holds the run so far). */
  readonly complete: boolean;
  readonly losses: readonly number[];
  readonly wallSeconds: number;
  readonly epochs: number;
  readonly resumedFrom: number;
}

function batchTensors(rows: readonly PackedRow[], T: number): { ids: tf.Tensor2D; targets: tf.Tensor1D; mask: tf.Tensor1D } {
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

/** Global-norm clipping (Pascanu et al. 2013): g ← g · min(1, c/‖g‖₂). Disposes the inputs it replaces. */
function clipByGlobalNorm(grads: Record<string, tf.Tensor>, clip: number): Record<string, tf.Tensor> {
  if (clip <= 0) return grads;
  const norm = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
  if (norm <= clip) return grads;
  const out: Record<string, tf.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) {
    out[k] = tf.mul(g, clip / norm);
    g.dispose();
  }
  return out;
}

async function snapshot(model: TrainableLM, opt: tf.AdamOptimizer, base: Omit<TrainState, 'tensors'>): Promise<TrainState> {
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

async function restore(model: TrainableLM, opt: tf.AdamOptimizer, st: TrainState): Promise<void> {
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
export async function pretrainLoop(model: TrainableLM, o: LoopOptions): Promise<LoopResult> {
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
  let tokens = 0;
  const every = o.progressEvery ?? 10;
  const save = async (): Promise<void> => {
    if (!o.statePath) return;
    const wallSeconds = wallBefore + (performance.now() - t0) / 1000;
    saveTrainState(o.statePath, await snapshot(model, opt, { step, epoch: stream.epoch, row: stream.row, losses, wallSeconds, runKey: o.runKey }));
  };
  while (step < s.steps) {
    const rows = stream.nextBatch(s.batchSize);
    const b = batchTensors(rows, s.seqLen);
    (opt as unknown as { learningRate: number }).learningRate = lrAt(s, step);
    const { value, grads } = tf.variableGrads(() => {
      const logits = model.forward(b.ids); // [B, T, V]
      const V = logits.shape[logits.shape.length - 1]!;
      return maskedCrossEntropy(tf.reshape(logits, [-1, V]) as tf.Tensor2D, b.targets, b.mask);
    }, vars);
    const clipped = clipByGlobalNorm(grads, s.clipNorm);
    opt.applyGradients(clipped as Parameters<typeof opt.applyGradients>[0]);
    const loss = (await value.data())[0]!; // sync point: one scalar per step
    tf.dispose([value, b.ids, b.targets, b.mask, ...Object.values(clipped)]);
    if (!Number.isFinite(loss)) throw new Error(`pretraining diverged at step ${step}: loss ${loss}`);
    losses.push(loss);
    tokens += rows.reduce((n, r) => n + r.mask.reduce((a, m) => a + m, 0), 0);
    step++;
    if (o.onProgress && (step % every === 0 || step === s.steps)) {
      const dt = (performance.now() - t0) / 1000;
      o.onProgress({ step, steps: s.steps, loss, lr: lrAt(s, step - 1), epoch: stream.epoch, tokensPerSecond: tokens / dt, wallSeconds: wallBefore + dt });
    }
    if (o.saveEvery && step % o.saveEvery === 0 && step < s.steps) await save();
    if (o.stopAfter !== undefined && step >= o.stopAfter && step < s.steps) break;
  }
  await save();
  opt.dispose();
  return { complete: step >= s.steps, losses, wallSeconds: wallBefore + (performance.now() - t0) / 1000, epochs: stream.epoch + stream.row / Math.max(1, stream.rowsPerEpoch), resumedFrom };
}
