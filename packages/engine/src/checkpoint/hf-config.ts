// ModelConfig ↔ Hugging Face config.json. GPT-2 keys follow transformers' GPT2Config; Llama-family
// keys follow LlamaConfig / Qwen2Config / MistralConfig. Written configs also carry an `editlab`
// block with our ModelConfig, which wins on load.
import type { ModelConfig } from '../model/config';
import { CheckpointError, CheckpointErrorCode as C } from './errors';
import { editlabBlock } from './editlab-block';

export type CheckpointSource = 'gpt2' | 'llama' | 'qwen2' | 'mistral';

/** The HF model family a config is written as: Qwen2 for q/k/v bias, Mistral for a sliding window, else Llama. */
export function sourceFor(c: ModelConfig): CheckpointSource {
  return c.arch === 'gpt2' ? 'gpt2' : c.qkvBias ? 'qwen2' : c.slidingWindow !== undefined ? 'mistral' : 'llama';
}

const ARCHITECTURE: Record<Exclude<CheckpointSource, 'gpt2'>, string> = { llama: 'LlamaForCausalLM', qwen2: 'Qwen2ForCausalLM', mistral: 'MistralForCausalLM' };

/** The config.json for a model (explicit values for every default the engine applies). */
export function toHfConfig(c: ModelConfig, special: { bosId?: number; eosId?: number; padId?: number } = {}): Record<string, unknown> {
  const tie = c.tieEmbeddings ?? c.arch === 'gpt2';
  const ids = { bos_token_id: special.bosId ?? special.eosId ?? null, eos_token_id: special.eosId ?? null, pad_token_id: special.padId ?? null };
  const editlab = { ...c };
  if (c.arch === 'gpt2') {
    return {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      vocab_size: c.vocabSize,
      n_embd: c.dModel,
      n_layer: c.nLayers,
      n_head: c.nHeads,
      n_inner: c.dMlp,
      n_positions: c.maxSeq,
      n_ctx: c.maxSeq,
      layer_norm_epsilon: c.normEps ?? 1e-5,
      activation_function: 'gelu_new',
      tie_word_embeddings: tie,
      ...ids,
      editlab,
    };
  }
  const source = sourceFor(c);
  return {
    architectures: [ARCHITECTURE[source as Exclude<CheckpointSource, 'gpt2'>]],
    model_type: source,
    vocab_size: c.vocabSize,
    hidden_size: c.dModel,
    intermediate_size: c.dMlp,
    num_hidden_layers: c.nLayers,
    num_attention_heads: c.nHeads,
    num_key_value_heads: c.nKvHeads ?? c.nHeads,
    head_dim: c.dModel / c.nHeads,
    max_position_embeddings: c.maxSeq,
    rms_norm_eps: c.normEps ?? 1e-6,
    rope_theta: c.ropeTheta ?? 10000,
    hidden_act: 'silu',
    ...(source === 'llama' ? { attention_bias: false, mlp_bias: false } : {}),
    ...(source === 'mistral' ? { sliding_window: c.slidingWindow } : {}),
    tie_word_embeddings: tie,
    ...ids,
    editlab,
  };
}

/** Read ModelConfig and source family from a parsed config.json; `file` names it in errors. */
export function fromHfConfig(j: Record<string, unknown>, file: string): { config: ModelConfig; source: CheckpointSource } {
  const bad = (msg: string): never => {
    throw new CheckpointError(C.BAD_CONFIG, `${file}: ${msg}`);
  };
  const type = j.model_type;
  if (type !== 'gpt2' && type !== 'llama' && type !== 'qwen2' && type !== 'mistral') {
    bad(`model_type ${JSON.stringify(type)} is not supported (gpt2, llama, qwen2, mistral)`);
  }
  const source = type as CheckpointSource;
  if (j.editlab !== undefined) return { config: editlabBlock(j.editlab, file), source };
  const int = (k: string, fallback?: number): number => {
    const v = j[k] ?? fallback;
    if (!Number.isSafeInteger(v) || (v as number) <= 0) bad(`field '${k}' must be a positive integer, got ${JSON.stringify(j[k])}`);
    return v as number;
  };
  const num = (k: string, fallback: number): number => {
    const v = j[k] ?? fallback;
    if (typeof v !== 'number' || !(v > 0)) bad(`field '${k}' must be a positive number, got ${JSON.stringify(j[k])}`);
    return v as number;
  };
  if (source === 'gpt2') {
    const act = j.activation_function ?? 'gelu_new';
    if (act !== 'gelu_new' && act !== 'gelu_pytorch_tanh') bad(`activation_function '${String(act)}' is not supported (the engine's GELU is the tanh approximation, gelu_new)`);
    if (j.scale_attn_by_inverse_layer_idx === true || j.scale_attn_weights === false) bad('non-standard attention scaling (scale_attn_by_inverse_layer_idx / scale_attn_weights) is not supported');
    const d = int('n_embd');
    const config: ModelConfig = {
      arch: 'gpt2', vocabSize: int('vocab_size'), dModel: d, nLayers: int('n_layer'), nHeads: int('n_head'),
      dMlp: j.n_inner == null ? 4 * d : int('n_inner'), maxSeq: int('n_positions'),
      normEps: num('layer_norm_epsilon', 1e-5), tieEmbeddings: j.tie_word_embeddings !== false,
    };
    return { config, source };
  }
  if (j.hidden_act !== undefined && j.hidden_act !== 'silu') bad(`hidden_act '${String(j.hidden_act)}' is not supported (silu)`);
  if (j.attention_bias === true && source !== 'qwen2') bad('attention_bias=true (bias on o_proj) is not supported');
  if (j.mlp_bias === true) bad('mlp_bias=true is not supported');
  if (j.rope_scaling != null) bad(`rope_scaling ${JSON.stringify(j.rope_scaling)} is not supported (plain RoPE only)`);
  // transformers' MistralConfig: `sliding_window` is the window W (null: full attention, as in Mistral
  // v0.2+). Qwen2Config carries sliding_window too but applies it only with use_sliding_window (and then
  // only above max_window_layers, which the engine does not model: refused below).
  const slides = j.sliding_window != null && (source === 'mistral' || j.use_sliding_window === true);
  if (slides && source === 'qwen2' && j.max_window_layers != null && j.max_window_layers !== 0) {
    bad(`use_sliding_window with max_window_layers ${JSON.stringify(j.max_window_layers)} (a window on some layers only) is not supported`);
  }
  const d = int('hidden_size');
  const nHeads = int('num_attention_heads');
  if (j.head_dim != null && j.head_dim !== d / nHeads) bad(`head_dim ${String(j.head_dim)} ≠ hidden_size / num_attention_heads (${d / nHeads}) is not supported`);
  const config: ModelConfig = {
    arch: 'llama', vocabSize: int('vocab_size'), dModel: d, nLayers: int('num_hidden_layers'), nHeads,
    nKvHeads: int('num_key_value_heads', nHeads), dMlp: int('intermediate_size'),
    maxSeq: int('max_position_embeddings', 2048), normEps: num('rms_norm_eps', 1e-6), ropeTheta: num('rope_theta', 10000),
    ...(slides ? { slidingWindow: int('sliding_window') } : {}),
    qkvBias: source === 'qwen2', tieEmbeddings: j.tie_word_embeddings === true,
  };
  return { config, source };
}
