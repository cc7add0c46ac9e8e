// Times the editlab engine on one size: training step (forward + backward + Adam, loss read back) and
// greedy KV-cache generation, with the model from bench/model.ts.
import * as tf from '@tensorflow/tfjs';
import { benchModel } from './model';
import { GEN, median, type BenchSize } from './sizes';

export interface EditlabResult {
  stepMs: number[];
  genMs: number[];
  loss0: number;
  lossLast: number;
  peakHeapMiB: number;
  model: string;
}

function heapMiB(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return b.wasm ? b.wasm.HEAPU8.buffer.byteLength / 2 ** 20 : tf.memory().numBytes / 2 ** 20;
}

export async function benchEditlab(s: BenchSize, steps: number, warmup: number, gen: boolean): Promise<EditlabResult> {
  const m = await benchModel(s);
  const stepMs: number[] = [];
  let loss0 = Number.NaN;
  let lossLast = Number.NaN;
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = performance.now();
    const loss = m.step();
    const dt = performance.now() - t0;
    if (i === 0) loss0 = loss;
    lossLast = loss;
    if (i >= warmup) stepMs.push(dt);
  }
  const genMs: number[] = [];
  if (gen) {
    for (let i = 0; i < GEN.warmup + GEN.runs; i++) {
      const t0 = performance.now();
      m.generate();
      if (i >= GEN.warmup) genMs.push(performance.now() - t0);
    }
  }
  const peakHeapMiB = heapMiB();
  m.dispose();
  return { stepMs, genMs, loss0, lossLast, peakHeapMiB, model: m.name };
}

export function fmtMs(xs: number[]): string {
  return xs.length ? `${median(xs).toFixed(0)} [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]` : '–';
}
