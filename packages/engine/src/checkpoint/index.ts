// Checkpoints in the Hugging Face layout: config.json + model.safetensors (HF tensor names, so the
// directory is a real HF checkpoint) + tokenizer.json. Loads our own checkpoints and real HF GPT-2,
// Llama, Qwen2 and Mistral directories, single-file or sharded (model.safetensors.index.json).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../model/config';
import { loadTokenizer } from '../tokenizer/load';
import type { BpeTokenizer } from '../tokenizer/bpe';
import { CheckpointError, CheckpointErrorCode as C } from './errors';
import { fromHfConfig, toHfConfig } from './hf-config';
import type { CheckpointSource } from './hf-config';
import { fromHfTensors, toHfTensors } from './hf-names';
import { readSafetensors, writeSafetensors } from './safetensors';
import type { RawTensor, SkippedTensor } from './safetensors';

export interface SaveCheckpointInput {
  readonly config: ModelConfig;
  readonly weights: ReadonlyMap<string, tf.Tensor>;
  /** Written as tokenizer.json; its special ids go into config.json. */
  readonly tokenizer?: { toJSON(): string; readonly eosId?: number; readonly bosId?: number; readonly padId?: number };
}

export interface LoadedCheckpoint {
  readonly config: ModelConfig;
  /** Engine-named float32 weights (paramShapes(config)); the caller disposes them. */
  readonly weights: Map<string, tf.Tensor>;
  readonly tokenizer?: BpeTokenizer;
  readonly source: CheckpointSource;
  /** Buffers of dtypes the engine does not use (BOOL, integer, F64: masks, position ids), not loaded. */
  readonly skipped: readonly SkippedTensor[];
}

export async function saveCheckpoint(dir: string, c: SaveCheckpointInput): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const raw = new Map<string, RawTensor>();
  for (const [name, t] of c.weights) {
    const d = await t.data();
    raw.set(name, { shape: [...t.shape], data: d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>) });
  }
  const tensors = toHfTensors(c.config, raw);
  writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  const tk = c.tokenizer;
  const special = tk ? { eosId: tk.eosId, bosId: tk.bosId, padId: tk.padId } : {};
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(toHfConfig(c.config, special), null, 2)}\n`);
  if (tk) writeFileSync(join(dir, 'tokenizer.json'), tk.toJSON());
}

function readJson(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new CheckpointError(C.MISSING_FILE, `${path}: file not found`);
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CheckpointError(C.BAD_CONFIG, `${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new CheckpointError(C.BAD_CONFIG, `${path}: must be a JSON object, got ${Array.isArray(j) ? 'a list' : JSON.stringify(j)}`);
  return j as Record<string, unknown>;
}

/** All tensors of a checkpoint directory: model.safetensors, or the shards its index names. */
function readAllTensors(dir: string): { tensors: Map<string, RawTensor>; skipped: SkippedTensor[]; file: string } {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) {
    const { tensors, skipped } = readSafetensors(single);
    return { tensors, skipped, file: single };
  }
  const indexPath = join(dir, 'model.safetensors.index.json');
  if (!existsSync(indexPath)) throw new CheckpointError(C.MISSING_FILE, `${dir}: neither model.safetensors nor model.safetensors.index.json found`);
  const map = readJson(indexPath).weight_map;
  if (typeof map !== 'object' || map === null) throw new CheckpointError(C.BAD_CONFIG, `${indexPath}: weight_map is missing`);
  const wanted = new Map(Object.entries(map as Record<string, string>));
  const tensors = new Map<string, RawTensor>();
  const skipped: SkippedTensor[] = [];
  for (const shard of [...new Set(wanted.values())].sort()) {
    const file = readSafetensors(join(dir, shard));
    const notListed = (name: string) => new CheckpointError(C.BAD_TENSORS, `${join(dir, shard)}: tensor '${name}' is not listed for this shard in ${indexPath}`);
    for (const [name, t] of file.tensors) {
      if (wanted.get(name) !== shard) throw notListed(name);
      tensors.set(name, t);
    }
    for (const s of file.skipped) {
      if (wanted.get(s.name) !== shard) throw notListed(s.name);
      skipped.push(s);
    }
  }
  const absent = [...wanted.keys()].filter((n) => !tensors.has(n) && !skipped.some((s) => s.name === n));
  if (absent.length) throw new CheckpointError(C.BAD_TENSORS, `${indexPath}: tensors listed but not found in their shards: ${absent.slice(0, 8).join(', ')}`);
  return { tensors, skipped, file: indexPath };
}

export interface LoadCheckpointOptions {
  /** Load tokenizer.json when present (default true); false skips it, e.g. for an unsupported tokenizer type. */
  readonly tokenizer?: boolean;
}

/** A checkpoint directory's ModelConfig from its config.json alone (no weights read). */
export function readCheckpointConfig(dir: string): ModelConfig {
  const cfgPath = join(dir, 'config.json');
  return fromHfConfig(readJson(cfgPath), cfgPath).config;
}

/** The engine's tensors; a mismatch names config.json too, since either file may be the wrong one. */
function tensorsFor(config: ModelConfig, tensors: Map<string, RawTensor>, file: string, cfgPath: string, skipped: readonly SkippedTensor[]): Map<string, RawTensor> {
  try {
    return fromHfTensors(config, tensors, file, skipped);
  } catch (e) {
    if (e instanceof CheckpointError && e.code === C.BAD_TENSORS) throw new CheckpointError(C.BAD_TENSORS, `${e.message} (the shapes expected are those ${cfgPath} describes)`);
    throw e;
  }
}

export async function loadCheckpoint(dir: string, opts: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const cfgPath = join(dir, 'config.json');
  const { config, source } = fromHfConfig(readJson(cfgPath), cfgPath);
  const { tensors, skipped, file } = readAllTensors(dir);
  const raw = tensorsFor(config, tensors, file, cfgPath, skipped);
  const weights = new Map<string, tf.Tensor>();
  for (const [name, t] of raw) weights.set(name, tf.tensor(t.data, t.shape, 'float32'));
  const tokPath = join(dir, 'tokenizer.json');
  const tokenizer = opts.tokenizer !== false && existsSync(tokPath) ? loadTokenizer(tokPath) : undefined;
  return { config, weights, source, skipped, ...(tokenizer ? { tokenizer } : {}) };
}


export type { CheckpointSource } from './hf-config';
