// ModelConfig and the engine's own parameter names and shapes: the contract between the model,
// checkpoints (which map foreign names onto these at the load boundary) and methods (which pick
// parameters by these names, e.g. `blocks.3.mlp.W_out`). Weights are stored as 2-D [in, out]
// matrices, so y = x · W + b everywhere.

export type Architecture = 'gpt2' | 'llama';

export interface ModelConfig {
  readonly arch: Architecture;
  readonly vocabSize: number;
  readonly dModel: number;
  readonly nLayers: number;
  readonly nHeads: number;
  /** Key/value heads (grouped-query attention). Defaults to nHeads. */
  readonly nKvHeads?: number;
  /** Hidden width of the MLP (4·dModel for GPT-2; SwiGLU width for Llama). */
  readonly dMlp: number;
  /** Longest sequence the model accepts (size of the learned position table for GPT-2). */
  readonly maxSeq: number;
  /** Norm epsilon (LayerNorm for gpt2, RMSNorm for llama). */
  readonly normEps?: number;
  /** RoPE base (llama only). Default 10000. */
  readonly ropeTheta?: number;
  /** Sliding-window attention (Mistral): each position attends to at most this many positions, itself
   *  included (model/mask.ts). Default: full causal attention. */
  readonly slidingWindow?: number;
  /** Qwen2-style bias on q/k/v (llama only). GPT-2 always has biases. */
  readonly qkvBias?: boolean;
  /** Unembedding tied to the token embedding (GPT-2 default: true). */
  readonly tieEmbeddings?: boolean;
}

export function headDim(c: ModelConfig): number {
  if (c.dModel % c.nHeads !== 0) throw new Error(`dModel ${c.dModel} is not divisible by nHeads ${c.nHeads}`);
  return c.dModel / c.nHeads;
}

export function kvHeads(c: ModelConfig): number {
  const kv = c.nKvHeads ?? c.nHeads;
  if (c.nHeads % kv !== 0) throw new Error(`nHeads ${c.nHeads} is not a multiple of nKvHeads ${kv}`);
  return kv;
}

/** Every parameter of a model, by the engine's own name, with its shape. Order is canonical. */
export function paramShapes(c: ModelConfig): Array<[name: string, shape: number[]]> {
  const d = c.dModel;
  const dh = headDim(c);
  const q = c.nHeads * dh;
  const kv = kvHeads(c) * dh;
  const gpt2 = c.arch === 'gpt2';
  const out: Array<[string, number[]]> = [['embed.W_E', [c.vocabSize, d]]];
  if (gpt2) out.push(['pos_embed.W_pos', [c.maxSeq, d]]);
  for (let l = 0; l < c.nLayers; l++) {
    const b = `blocks.${l}`;
    out.push([`${b}.ln1.w`, [d]]);
    if (gpt2) out.push([`${b}.ln1.b`, [d]]);
    out.push([`${b}.attn.W_Q`, [d, q]], [`${b}.attn.W_K`, [d, kv]], [`${b}.attn.W_V`, [d, kv]]);
    if (gpt2 || c.qkvBias) out.push([`${b}.attn.b_Q`, [q]], [`${b}.attn.b_K`, [kv]], [`${b}.attn.b_V`, [kv]]);
    out.push([`${b}.attn.W_O`, [q, d]]);
    if (gpt2) out.push([`${b}.attn.b_O`, [d]]);
    out.push([`${b}.ln2.w`, [d]]);
    if (gpt2) out.push([`${b}.ln2.b`, [d]]);
    if (!gpt2) out.push([`${b}.mlp.W_gate`, [d, c.dMlp]]);
    out.push([`${b}.mlp.W_in`, [d, c.dMlp]]);
    if (gpt2) out.push([`${b}.mlp.b_in`, [c.dMlp]]);
    out.push([`${b}.mlp.W_out`, [c.dMlp, d]]);
    if (gpt2) out.push([`${b}.mlp.b_out`, [d]]);
  }
  out.push(['ln_final.w', [d]]);
  if (gpt2) out.push(['ln_final.b', [d]]);
  if (!(c.tieEmbeddings ?? gpt2)) out.push(['unembed.W_U', [d, c.vocabSize]]);
  return out;
}

export function paramCount(c: ModelConfig): number {
  return paramShapes(c).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
}
