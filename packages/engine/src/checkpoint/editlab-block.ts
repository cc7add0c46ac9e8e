// The `editlab` block of a config.json (our own ModelConfig, written by saveCheckpoint beside the
// Hugging Face keys, hf-config.ts) is checked field by field before it is trusted, so a hand-edited
// or corrupted block is reported in config.json — not as a shape mismatch in model.safetensors.
import type { ModelConfig } from '../model/config';
import { CheckpointError, CheckpointErrorCode as C } from './errors';

const INTS = ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'dMlp', 'maxSeq'] as const;

export function editlabBlock(block: unknown, file: string): ModelConfig {
  const bad = (msg: string): never => {
    throw new CheckpointError(C.BAD_CONFIG, `${file}: editlab.${msg}`);
  };
  if (typeof block !== 'object' || block === null || Array.isArray(block)) {
    throw new CheckpointError(C.BAD_CONFIG, `${file}: the 'editlab' block must be an object (the engine's model config), got ${JSON.stringify(block)}`);
  }
  const b = block as Record<string, unknown>;
  if (b.arch !== 'gpt2' && b.arch !== 'llama') bad(`arch must be "gpt2" or "llama", got ${JSON.stringify(b.arch)}`);
  for (const k of INTS) {
    if (!Number.isSafeInteger(b[k]) || (b[k] as number) <= 0) bad(`${k} must be a positive integer, got ${JSON.stringify(b[k])}`);
  }
  if (b.nKvHeads !== undefined && (!Number.isSafeInteger(b.nKvHeads) || (b.nKvHeads as number) <= 0)) bad(`nKvHeads must be a positive integer, got ${JSON.stringify(b.nKvHeads)}`);
  for (const k of ['normEps', 'ropeTheta'] as const) {
    if (b[k] !== undefined && (typeof b[k] !== 'number' || !((b[k] as number) > 0) || !Number.isFinite(b[k]))) bad(`${k} must be a positive number, got ${JSON.stringify(b[k])}`);
  }
  for (const k of ['qkvBias', 'tieEmbeddings'] as const) {
    if (b[k] !== undefined && typeof b[k] !== 'boolean') bad(`${k} must be true or false, got ${JSON.stringify(b[k])}`);
  }
  const c = b as unknown as ModelConfig;
  if (c.dModel % c.nHeads !== 0) bad(`dModel ${c.dModel} is not divisible by nHeads ${c.nHeads}`);
  const kv = c.nKvHeads ?? c.nHeads;
  if (c.nHeads % kv !== 0) bad(`nHeads ${c.nHeads} is not a multiple of nKvHeads ${kv}`);
  return c;
}
