// Engine parameter names ↔ Hugging Face tensor names. This is the only place names are mapped and
// matrices transposed/split. Engine weights are [in, out] (y = x·W + b, model/config.ts).
//  - GPT-2 uses Conv1D, whose weight is already [in, out]; c_attn fuses Q|K|V along the out axis
//    (transformers GPT2Attention: `query, key, value = self.c_attn(x).split(self.split_size, dim=2)`).
//  - Llama/Qwen2/Mistral use nn.Linear, whose weight is [out, in]: transpose at the boundary.
import type { ModelConfig } from '../model/config';
import { paramShapes } from '../model/config';
import { CheckpointError, CheckpointErrorCode as C } from './errors';
import type { RawTensor, SkippedTensor } from './safetensors';

export function transpose(t: RawTensor): RawTensor {
  const [r, c] = t.shape as [number, number];
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j]!;
  return { shape: [c, r], data: out };
}

/** Columns [from, to) of a 2-D tensor, or elements [from, to) of a 1-D one. */
function sliceLast(t: RawTensor, from: number, to: number): RawTensor {
  if (t.shape.length === 1) return { shape: [to - from], data: t.data.slice(from, to) };
  const [r, c] = t.shape as [number, number];
  const w = to - from;
  const out = new Float32Array(r * w);
  for (let i = 0; i < r; i++) out.set(t.data.subarray(i * c + from, i * c + to), i * w);
  return { shape: [r, w], data: out };
}

/** Concatenate along the last axis (inverse of sliceLast). */
function concatLast(ts: RawTensor[]): RawTensor {
  if (ts[0]!.shape.length === 1) {
    const out = new Float32Array(ts.reduce((n, t) => n + t.data.length, 0));
    let p = 0;
    for (const t of ts) out.set(t.data, (p += t.data.length) - t.data.length);
    return { shape: [out.length], data: out };
  }
  const r = ts[0]!.shape[0]!;
  const W = ts.reduce((n, t) => n + t.shape[1]!, 0);
  const out = new Float32Array(r * W);
  let col = 0;
  for (const t of ts) {
    const c = t.shape[1]!;
    for (let i = 0; i < r; i++) out.set(t.data.subarray(i * c, (i + 1) * c), i * W + col);
    col += c;
  }
  return { shape: [r, W], data: out };
}

type Rule = { hf: string; engine: string; transpose: boolean };

/** One-to-one tensor rules for a config (GPT-2's fused c_attn is handled separately). */
function rules(c: ModelConfig): Rule[] {
  const r: Rule[] = [];
  const add = (hf: string, engine: string, t = false) => r.push({ hf, engine, transpose: t });
  const tie = c.tieEmbeddings ?? c.arch === 'gpt2';
  if (c.arch === 'gpt2') {
    add('wte.weight', 'embed.W_E');
    add('wpe.weight', 'pos_embed.W_pos');
    for (let l = 0; l < c.nLayers; l++) {
      const h = `h.${l}`, b = `blocks.${l}`;
      for (const [x, y] of [['ln_1', 'ln1'], ['ln_2', 'ln2']] as const) {
        add(`${h}.${x}.weight`, `${b}.${y}.w`);
        add(`${h}.${x}.bias`, `${b}.${y}.b`);
      }
      add(`${h}.attn.c_proj.weight`, `${b}.attn.W_O`);
      add(`${h}.attn.c_proj.bias`, `${b}.attn.b_O`);
      add(`${h}.mlp.c_fc.weight`, `${b}.mlp.W_in`);
      add(`${h}.mlp.c_fc.bias`, `${b}.mlp.b_in`);
      add(`${h}.mlp.c_proj.weight`, `${b}.mlp.W_out`);
      add(`${h}.mlp.c_proj.bias`, `${b}.mlp.b_out`);
    }
    add('ln_f.weight', 'ln_final.w');
    add('ln_f.bias', 'ln_final.b');
    if (!tie) add('lm_head.weight', 'unembed.W_U', true);
    return r;
  }
  add('model.embed_tokens.weight', 'embed.W_E');
  for (let l = 0; l < c.nLayers; l++) {
    const h = `model.layers.${l}`, b = `blocks.${l}`;
    add(`${h}.input_layernorm.weight`, `${b}.ln1.w`);
    add(`${h}.post_attention_layernorm.weight`, `${b}.ln2.w`);
    for (const x of ['q', 'k', 'v'] as const) {
      const X = x.toUpperCase();
      add(`${h}.self_attn.${x}_proj.weight`, `${b}.attn.W_${X}`, true);
      if (c.qkvBias) add(`${h}.self_attn.${x}_proj.bias`, `${b}.attn.b_${X}`);
    }
    add(`${h}.self_attn.o_proj.weight`, `${b}.attn.W_O`, true);
    add(`${h}.mlp.gate_proj.weight`, `${b}.mlp.W_gate`, true);
    add(`${h}.mlp.up_proj.weight`, `${b}.mlp.W_in`, true);
    add(`${h}.mlp.down_proj.weight`, `${b}.mlp.W_out`, true);
  }
  add('model.norm.weight', 'ln_final.w');
  if (!tie) add('lm_head.weight', 'unembed.W_U', true);
  return r;
}

/** Tensors HF files may carry that are buffers or tied copies, not parameters. */
function ignorable(name: string, c: ModelConfig): boolean {
  if (/(^|\.)attn\.(masked_)?bias$/.test(name) || /rotary_emb\.inv_freq$/.test(name)) return true;
  return name === 'lm_head.weight' && (c.tieEmbeddings ?? c.arch === 'gpt2');
}

/** A missing parameter that was present but skipped for its dtype says so (e.g. an F64 weight). */
function withSkippedDtype(name: string, skipped: readonly SkippedTensor[], c: ModelConfig): string {
  const s = skipped.find((x) => (c.arch === 'gpt2' ? x.name.replace(/^transformer\./, '') : x.name) === name);
  return s ? `${name} (present as ${s.dtype}, which is not read as a weight: F32, F16, BF16)` : name;
}

/** Engine weights → HF tensors (GPT-2 without the `transformer.` prefix, as the hub's gpt2 files). */
export function toHfTensors(c: ModelConfig, w: ReadonlyMap<string, RawTensor>): Map<string, RawTensor> {
  const get = (n: string): RawTensor => {
    const t = w.get(n);
    if (!t) throw new CheckpointError(C.BAD_TENSORS, `cannot save: weight '${n}' is missing`);
    return t;
  };
  const out = new Map<string, RawTensor>();
  for (const { hf, engine, transpose: tr } of rules(c)) out.set(hf, tr ? transpose(get(engine)) : get(engine));
  if (c.arch === 'gpt2') {
    for (let l = 0; l < c.nLayers; l++) {
      const a = `blocks.${l}.attn`;
      out.set(`h.${l}.attn.c_attn.weight`, concatLast([get(`${a}.W_Q`), get(`${a}.W_K`), get(`${a}.W_V`)]));
      out.set(`h.${l}.attn.c_attn.bias`, concatLast([get(`${a}.b_Q`), get(`${a}.b_K`), get(`${a}.b_V`)]));
    }
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * HF tensors → engine weights, checked against paramShapes(config): every expected tensor present with
 * its exact shape, no unexpected ones (HF buffers and tied lm_head copies aside). `file` names the source.
 */
export function fromHfTensors(c: ModelConfig, hfIn: ReadonlyMap<string, RawTensor>, file: string, skipped: readonly SkippedTensor[] = []): Map<string, RawTensor> {
  // GPT-2 files come with or without the `transformer.` prefix (GPT2Model vs GPT2LMHeadModel).
  const hf = new Map([...hfIn].map(([k, t]) => [c.arch === 'gpt2' ? k.replace(/^transformer\./, '') : k, t]));
  const used = new Set<string>();
  const missing: string[] = [];
  const take = (n: string): RawTensor | undefined => {
    const t = hf.get(n);
    if (t) used.add(n);
    else missing.push(n);
    return t;
  };
  const out = new Map<string, RawTensor>();
  for (const { hf: n, engine, transpose: tr } of rules(c)) {
    const t = take(n);
    if (t) out.set(engine, tr && t.shape.length === 2 ? transpose(t) : t);
  }
  if (c.arch === 'gpt2') {
    for (let l = 0; l < c.nLayers; l++) {
      const a = `blocks.${l}.attn`, d = c.dModel;
      const w = take(`h.${l}.attn.c_attn.weight`);
      const b = take(`h.${l}.attn.c_attn.bias`);
      if (w && b && w.shape[1] === 3 * d && b.shape[0] === 3 * d) {
        ['Q', 'K', 'V'].forEach((x, i) => {
          out.set(`${a}.W_${x}`, sliceLast(w, i * d, (i + 1) * d));
          out.set(`${a}.b_${x}`, sliceLast(b, i * d, (i + 1) * d));
        });
      } else if (w && b) {
        throw new CheckpointError(C.BAD_TENSORS, `${file}: h.${l}.attn.c_attn has shape [${w.shape.join(', ')}] / bias [${b.shape.join(', ')}], expected [${d}, ${3 * d}] / [${3 * d}]`);
      }
    }
  }
  const unexpected = [...hf.keys()].filter((k) => !used.has(k) && !ignorable(k, c));
  if (missing.length || unexpected.length) {
    const list = (xs: string[]) => xs.slice(0, 8).map((n) => withSkippedDtype(n, skipped, c)).join(', ') + (xs.length > 8 ? ` … (${xs.length} in all)` : '');
    const parts = [missing.length ? `missing tensors: ${list(missing)}` : '', unexpected.length ? `unexpected tensors: ${list(unexpected)}` : ''];
    throw new CheckpointError(C.BAD_TENSORS, `${file}: tensors do not match the ${c.arch} config (${c.nLayers} layers): ${parts.filter(Boolean).join('; ')}`);
  }
  const wrong: string[] = [];
  for (const [name, shape] of paramShapes(c)) {
    const t = out.get(name);
    if (!t || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      wrong.push(`${name} is [${t?.shape.join(', ') ?? '?'}], expected [${shape.join(', ')}]`);
    }
  }
  if (wrong.length) throw new CheckpointError(C.BAD_TENSORS, `${file}: shape mismatch: ${wrong.slice(0, 8).join('; ')}`);
  return out;
}
