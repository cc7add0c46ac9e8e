// Test helpers for checkpoint specs (not exported from index).
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paramShapes, type ModelConfig } from '../model/config';
import { Rng } from '../model/prng';
import type { RawTensor } from './safetensors';

const made: string[] = [];

/** A fresh temporary directory, removed by removeTempDirs(). */
export function tempDir(tag: string): string {
  const d = mkdtempSync(join(tmpdir(), `editlab-${tag}-`));
  made.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Seeded random weights for every parameter (norm gains and biases too, so no mapping slip can hide). */
export function randomWeights(c: ModelConfig, seed: number): Map<string, RawTensor> {
  const rng = new Rng(seed);
  const out = new Map<string, RawTensor>();
  for (const [name, shape] of paramShapes(c)) {
    const data = new Float32Array(shape.reduce((a, d) => a * d, 1));
    for (let i = 0; i < data.length; i++) data[i] = (rng.next() - 0.5) * 0.4 + (name.endsWith('.w') ? 1 : 0);
    out.set(name, { shape, data });
  }
  return out;
}

export const toTf = (w: ReadonlyMap<string, RawTensor>): Map<string, tf.Tensor> =>
  new Map([...w].map(([n, t]) => [n, tf.tensor(t.data, t.shape, 'float32')]));

export const disposeAll = (w: ReadonlyMap<string, tf.Tensor>): void => w.forEach((t) => t.dispose());
