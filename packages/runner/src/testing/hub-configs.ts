// The published config.json of the papers' models (the presets under experiments/presets/), and a model
// cache that holds only them: enough for `validate`, which reads a model's shape from config.json
// (ModelEntry.shape), to check the presets' layers against the real 28- and 32-layer models here.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { MANIFEST, snapshotDir } from '../models/hub';
import { stableJson } from '../util/json';

const LLAMA_BASE = { architectures: ['LlamaForCausalLM'], hidden_act: 'silu', hidden_size: 4096, model_type: 'llama', num_attention_heads: 32, num_hidden_layers: 32, rms_norm_eps: 1e-5, tie_word_embeddings: false };

export const PUBLISHED_CONFIGS: Readonly<Record<string, Record<string, unknown>>> = {
  'meta-llama/Llama-2-7b-hf': { ...LLAMA_BASE, bos_token_id: 1, eos_token_id: 2, intermediate_size: 11008, max_position_embeddings: 4096, num_key_value_heads: 32, pretraining_tp: 1, rope_scaling: null, vocab_size: 32000 },
  'meta-llama/Meta-Llama-3-8B': { ...LLAMA_BASE, bos_token_id: 128000, eos_token_id: 128001, intermediate_size: 14336, max_position_embeddings: 8192, num_key_value_heads: 8, rope_theta: 500000.0, vocab_size: 128256 },
  'mistralai/Mistral-7B-v0.1': { ...LLAMA_BASE, architectures: ['MistralForCausalLM'], model_type: 'mistral', bos_token_id: 1, eos_token_id: 2, intermediate_size: 14336, max_position_embeddings: 32768, num_key_value_heads: 8, rope_theta: 10000.0, sliding_window: 4096, vocab_size: 32000 },
  'Qwen/Qwen2-7B': {
    architectures: ['Qwen2ForCausalLM'], bos_token_id: 151643, eos_token_id: 151643, hidden_act: 'silu', hidden_size: 3584, intermediate_size: 18944, max_position_embeddings: 131072,
    max_window_layers: 28, model_type: 'qwen2', num_attention_heads: 28, num_hidden_layers: 28, num_key_value_heads: 4, rms_norm_eps: 1e-6, rope_theta: 1000000.0,
    sliding_window: 131072, tie_word_embeddings: false, use_sliding_window: false, vocab_size: 152064,
  },
};

/** Write a model cache under `dir` holding each published config.json as a fetched snapshot; returns `dir`. */
export function configOnlyModelCache(dir: string): string {
  for (const [repo, config] of Object.entries(PUBLISHED_CONFIGS)) {
    const snap = snapshotDir(dir, repo);
    mkdirSync(snap, { recursive: true });
    const text = JSON.stringify(config, null, 2);
    writeFileSync(join(snap, 'config.json'), text);
    const file = { file: 'config.json', bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
    writeFileSync(join(snap, MANIFEST), stableJson({ repo, revision: 'main', commit: null, endpoint: 'test', files: [file] }));
  }
  return dir;
}
