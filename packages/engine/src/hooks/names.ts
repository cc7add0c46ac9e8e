// Hook point names (TransformerLens conventions) and their shapes. A hook point is a place in the
// forward pass where an activation can be cached, replaced or differentiated (hooks/run.ts).
//
// Shapes (B batch, T query positions of this call, Tk key positions incl. a KV cache, d = dModel,
// H = nHeads, Hkv = nKvHeads, dh = head dim, m = dMlp):
//   hook_embed                      [B, T, d]     token embedding W_E[ids]
//   hook_pos_embed                  [B, T, d]     learned position embedding (gpt2 only)
//   blocks.l.hook_resid_pre         [B, T, d]     residual stream entering block l
//   blocks.l.hook_attn_in           [B, T, H, d]  per-head copy of resid_pre read by head h (opt-in: when hooked,
//                                                 ln1 runs per head, ln1.hook_normalized is not called, hook_k/v
//                                                 have H heads, and no KV cache is allowed)
//   blocks.l.ln1.hook_normalized    [B, T, d]     attention input after ln1
//   blocks.l.attn.hook_q            [B, T, H, dh] queries (before RoPE)
//   blocks.l.attn.hook_k|hook_v     [B, T, Hkv, dh] keys (before RoPE) / values of this call's tokens
//   blocks.l.attn.hook_rot_q        [B, T, H, dh] queries after RoPE (llama only)
//   blocks.l.attn.hook_rot_k        [B, T, Hkv, dh] keys after RoPE (llama only)
//   blocks.l.attn.hook_pattern      [B, H, T, Tk] attention probabilities (softmax output)
//   blocks.l.attn.hook_z            [B, T, H, dh] per-head attention-weighted values (input of W_O)
//   blocks.l.attn.hook_result       [B, T, H, d]  per-head output z_h·W_O[h] (opt-in: computed only when hooked)
//   blocks.l.hook_attn_out          [B, T, d]     attention output (incl. b_O)
//   blocks.l.hook_resid_mid         [B, T, d]     resid_pre + attn_out
//   blocks.l.hook_mlp_in            [B, T, d]     the MLP's copy of resid_mid (its gradient excludes the skip path)
//   blocks.l.ln2.hook_normalized    [B, T, d]     MLP input after ln2
//   blocks.l.mlp.hook_pre           [B, T, m]     gpt2: x·W_in + b_in; llama: gate pre-activation x·W_gate
//   blocks.l.mlp.hook_pre_linear    [B, T, m]     llama only: the linear branch x·W_in
//   blocks.l.mlp.hook_post          [B, T, m]     MLP hidden after the nonlinearity = input of W_out (ROME's key)
//   blocks.l.hook_mlp_out           [B, T, d]     MLP output (incl. b_out)
//   blocks.l.hook_resid_post        [B, T, d]     resid_mid + mlp_out
//   ln_final.hook_normalized        [B, T, d]     final norm output (input of the unembedding)
import { closest, distance } from 'fastest-levenshtein';
import { headDim, kvHeads, type ModelConfig } from '../model/config';
import { UnknownHookError } from '../model/errors';

export type BlockHookSuffix =
  | 'hook_resid_pre'
  | 'hook_resid_mid'
  | 'hook_resid_post'
  | 'hook_attn_out'
  | 'hook_mlp_out'
  | 'hook_attn_in'
  | 'hook_mlp_in'
  | 'ln1.hook_normalized'
  | 'ln2.hook_normalized'
  | 'attn.hook_q'
  | 'attn.hook_k'
  | 'attn.hook_v'
  | 'attn.hook_rot_q'
  | 'attn.hook_rot_k'
  | 'attn.hook_pattern'
  | 'attn.hook_z'
  | 'attn.hook_result'
  | 'mlp.hook_pre'
  | 'mlp.hook_pre_linear'
  | 'mlp.hook_post';

export type HookName = 'hook_embed' | 'hook_pos_embed' | 'ln_final.hook_normalized' | `blocks.${number}.${BlockHookSuffix}`;

const block = (l: number, s: BlockHookSuffix): HookName => `blocks.${l}.${s}`;

/** Typed builders: `hookName.mlpPost(3)` → 'blocks.3.mlp.hook_post'. */
export const hookName = {
  embed: (): HookName => 'hook_embed',
  posEmbed: (): HookName => 'hook_pos_embed',
  lnFinal: (): HookName => 'ln_final.hook_normalized',
  residPre: (l: number) => block(l, 'hook_resid_pre'),
  residMid: (l: number) => block(l, 'hook_resid_mid'),
  residPost: (l: number) => block(l, 'hook_resid_post'),
  attnOut: (l: number) => block(l, 'hook_attn_out'),
  mlpOut: (l: number) => block(l, 'hook_mlp_out'),
  attnIn: (l: number) => block(l, 'hook_attn_in'),
  mlpIn: (l: number) => block(l, 'hook_mlp_in'),
  ln1: (l: number) => block(l, 'ln1.hook_normalized'),
  ln2: (l: number) => block(l, 'ln2.hook_normalized'),
  q: (l: number) => block(l, 'attn.hook_q'),
  k: (l: number) => block(l, 'attn.hook_k'),
  v: (l: number) => block(l, 'attn.hook_v'),
  rotQ: (l: number) => block(l, 'attn.hook_rot_q'),
  rotK: (l: number) => block(l, 'attn.hook_rot_k'),
  pattern: (l: number) => block(l, 'attn.hook_pattern'),
  z: (l: number) => block(l, 'attn.hook_z'),
  result: (l: number) => block(l, 'attn.hook_result'),
  mlpPre: (l: number) => block(l, 'mlp.hook_pre'),
  mlpPreLinear: (l: number) => block(l, 'mlp.hook_pre_linear'),
  mlpPost: (l: number) => block(l, 'mlp.hook_post'),
} as const;

const BLOCK_SUFFIXES: readonly BlockHookSuffix[] = [
  'hook_resid_pre', 'hook_attn_in', 'ln1.hook_normalized', 'attn.hook_q', 'attn.hook_k', 'attn.hook_v', 'attn.hook_rot_q',
  'attn.hook_rot_k', 'attn.hook_pattern', 'attn.hook_z', 'attn.hook_result', 'hook_attn_out', 'hook_resid_mid',
  'hook_mlp_in', 'ln2.hook_normalized', 'mlp.hook_pre', 'mlp.hook_pre_linear', 'mlp.hook_post', 'hook_mlp_out', 'hook_resid_post',
];

function suffixExists(c: ModelConfig, s: BlockHookSuffix): boolean {
  const llama = c.arch === 'llama';
  if (s === 'attn.hook_rot_q' || s === 'attn.hook_rot_k' || s === 'mlp.hook_pre_linear') return llama;
  return true;
}

/** Every hook point of a model, in forward order. */
export function listHookNames(c: ModelConfig): HookName[] {
  const out: HookName[] = ['hook_embed'];
  if (c.arch === 'gpt2') out.push('hook_pos_embed');
  for (let l = 0; l < c.nLayers; l++) for (const s of BLOCK_SUFFIXES) if (suffixExists(c, s)) out.push(block(l, s));
  out.push('ln_final.hook_normalized');
  return out;
}

/** Validate a user-supplied name against the model; unknown names throw with a "did you mean". */
export function checkHookName(c: ModelConfig, name: string): HookName {
  const all = listHookNames(c);
  if ((all as string[]).includes(name)) return name as HookName;
  const near = closest(name, all);
  const hint = distance(name, near) <= Math.max(3, Math.floor(name.length / 4)) ? ` (did you mean '${near}'?)` : '';
  throw new UnknownHookError(`unknown hook '${name}' for this ${c.arch} model with ${c.nLayers} layers${hint}`);
}

/** The shape of a hook's activation for a batch of B sequences of T new tokens and Tk key positions. */
export function hookShape(c: ModelConfig, name: HookName, B: number, T: number, Tk = T): number[] {
  const d = c.dModel;
  const dh = headDim(c);
  const m = /^blocks\.\d+\.(.+)$/.exec(name);
  const s = m?.[1];
  if (s === 'attn.hook_q' || s === 'attn.hook_rot_q' || s === 'attn.hook_z') return [B, T, c.nHeads, dh];
  if (s === 'attn.hook_k' || s === 'attn.hook_v' || s === 'attn.hook_rot_k') return [B, T, kvHeads(c), dh];
  if (s === 'attn.hook_pattern') return [B, c.nHeads, T, Tk];
  if (s === 'attn.hook_result' || s === 'hook_attn_in') return [B, T, c.nHeads, d];
  if (s === 'mlp.hook_pre' || s === 'mlp.hook_pre_linear' || s === 'mlp.hook_post') return [B, T, c.dMlp];
  return [B, T, d];
}
