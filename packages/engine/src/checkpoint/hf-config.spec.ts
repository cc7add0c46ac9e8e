// config.json → ModelConfig for the papers' Llama-family models: the configs below are the published
// config.json files of mistralai/Mistral-7B-v0.1 and Mistral-7B-Instruct-v0.2 and Qwen/Qwen2-7B (the
// fields fromHfConfig reads, verbatim). Mistral's `sliding_window` becomes ModelConfig.slidingWindow
// (model/mask.ts), null means full attention; Qwen2's sliding_window applies only with use_sliding_window.
import { describe, expect, it } from 'vitest';
import { fromHfConfig, toHfConfig } from './hf-config';
import { CheckpointError } from './errors';

const MISTRAL_7B_V01 = {
  architectures: ['MistralForCausalLM'], bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 4096,
  initializer_range: 0.02, intermediate_size: 14336, max_position_embeddings: 32768, model_type: 'mistral',
  num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8, rms_norm_eps: 1e-5, rope_theta: 10000.0,
  sliding_window: 4096, tie_word_embeddings: false, torch_dtype: 'bfloat16', transformers_version: '4.34.0.dev0', use_cache: true, vocab_size: 32000,
};
const MISTRAL_7B_INSTRUCT_V02 = { ...MISTRAL_7B_V01, rope_theta: 1000000.0, sliding_window: null, transformers_version: '4.36.0' };
const QWEN2_7B = {
  architectures: ['Qwen2ForCausalLM'], attention_dropout: 0.0, bos_token_id: 151643, eos_token_id: 151643, hidden_act: 'silu',
  hidden_size: 3584, initializer_range: 0.02, intermediate_size: 18944, max_position_embeddings: 131072, max_window_layers: 28,
  model_type: 'qwen2', num_attention_heads: 28, num_hidden_layers: 28, num_key_value_heads: 4, rms_norm_eps: 1e-6,
  rope_theta: 1000000.0, sliding_window: 131072, tie_word_embeddings: false, torch_dtype: 'bfloat16', use_cache: true,
  use_sliding_window: false, vocab_size: 152064,
};

describe('fromHfConfig: sliding windows', () => {
  it("maps Mistral-7B-v0.1's sliding_window 4096 to slidingWindow, keeping maxSeq at max_position_embeddings", () => {
    const { config, source } = fromHfConfig(MISTRAL_7B_V01, 'config.json');
    expect(source).toBe('mistral');
    expect(config).toEqual({
      arch: 'llama', vocabSize: 32000, dModel: 4096, nLayers: 32, nHeads: 32, nKvHeads: 8, dMlp: 14336,
      maxSeq: 32768, normEps: 1e-5, ropeTheta: 10000, slidingWindow: 4096, qkvBias: false, tieEmbeddings: false,
    });
  });

  it('null sliding_window (Mistral v0.2) and Qwen2 without use_sliding_window mean full attention', () => {
    const m = fromHfConfig(MISTRAL_7B_INSTRUCT_V02, 'config.json').config;
    expect(m.slidingWindow).toBeUndefined();
    expect(m).toMatchObject({ maxSeq: 32768, ropeTheta: 1e6 });
    const q = fromHfConfig(QWEN2_7B, 'config.json');
    expect(q.source).toBe('qwen2');
    expect(q.config.slidingWindow).toBeUndefined();
    expect(q.config).toMatchObject({ dModel: 3584, nLayers: 28, nHeads: 28, nKvHeads: 4, qkvBias: true, maxSeq: 131072 });
  });

  it('refuses a non-positive window and a Qwen2 window on some layers only, naming the file', () => {
    expect(() => fromHfConfig({ ...MISTRAL_7B_V01, sliding_window: 0 }, 'm/config.json')).toThrow("m/config.json: field 'sliding_window' must be a positive integer, got 0");
    expect(() => fromHfConfig({ ...QWEN2_7B, use_sliding_window: true }, 'q/config.json')).toThrow(CheckpointError);
    expect(() => fromHfConfig({ ...QWEN2_7B, use_sliding_window: true, max_window_layers: null }, 'q/config.json').config.slidingWindow).not.toThrow();
    expect(fromHfConfig({ ...QWEN2_7B, use_sliding_window: true, max_window_layers: null }, 'q/config.json').config.slidingWindow).toBe(131072);
  });

  it('writes a windowed model as a Mistral config that reads back the same (without the editlab block)', () => {
    const { config } = fromHfConfig(MISTRAL_7B_V01, 'config.json');
    const hf = toHfConfig(config);
    expect(hf).toMatchObject({ model_type: 'mistral', architectures: ['MistralForCausalLM'], sliding_window: 4096 });
    const { editlab: _drop, ...plain } = hf;
    expect(fromHfConfig(plain, 'config.json')).toEqual({ config, source: 'mistral' });
  });
});
