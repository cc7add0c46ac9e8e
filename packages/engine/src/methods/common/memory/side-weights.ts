// Side models and trained heads of the memory-based editors, as files of a prepare stage's directory: plain
// safetensors (F32) written and read synchronously (an edit's apply() is synchronous), and loaded once per
// directory and process (a stage's artifact never changes under its key: the runner's cache).
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readSafetensors, writeSafetensors, type RawTensor } from '../../../checkpoint/safetensors';
import type { ModelConfig } from '../../../model/config';
import { Transformer } from '../../../model/transformer';
import type { MethodContext, PreparedArtifact } from '../../editor';
import { MethodInputError } from '../errors';

/** Write named tensors to dir/file. Returns the number of floats written. */
export function saveTensors(dir: string, file: string, tensors: ReadonlyMap<string, tf.Tensor>): number {
  const raw = new Map<string, RawTensor>();
  let n = 0;
  for (const [name, t] of tensors) {
    const data = Float32Array.from(t.dataSync() as Float32Array);
    raw.set(name, { shape: [...t.shape], data });
    n += data.length;
  }
  writeSafetensors(join(dir, file), raw);
  return n;
}

/** Named tensors of dir/file (the caller owns them). */
export function loadTensors(dir: string, file: string): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, r] of readSafetensors(join(dir, file)).tensors) out.set(name, tf.tensor(r.data, r.shape, 'float32'));
  return out;
}

/** A model's weights as a side model file. */
export function saveTransformer(dir: string, file: string, model: Transformer): number {
  const w = model.weights();
  try {
    return saveTensors(dir, file, w);
  } finally {
    tf.dispose([...w.values()]);
  }
}

export function loadTransformer(dir: string, file: string, config: ModelConfig): Transformer {
  const w = loadTensors(dir, file);
  try {
    return Transformer.fromWeights(config, w);
  } finally {
    tf.dispose([...w.values()]);
  }
}

const loaded = new Map<string, unknown>();

/** What `load` builds from a stage directory, once per directory, key and process (kept for the process). */
export function loadOnce<T>(dir: string, key: string, load: () => T): T {
  const k = `${dir}\u0000${key}`;
  if (!loaded.has(k)) loaded.set(k, load());
  return loaded.get(k) as T;
}

/** Floats of named tensors: the parameters a side model or head adds (docs/definitions.md §3). */
export function floatCount(tensors: Iterable<tf.Tensor>): number {
  let n = 0;
  for (const t of tensors) n += t.size;
  return n;
}

/** A stage's artifact from ctx.prepared, or a named error for callers that did not run the stage. */
export function preparedStage(prepared: MethodContext['prepared'], stage: string): PreparedArtifact {
  const art = prepared?.[stage];
  if (!art) throw new MethodInputError(`needs its '${stage}' stage (the runner runs it; direct callers pass ctx.prepared.${stage})`);
  return art;
}
