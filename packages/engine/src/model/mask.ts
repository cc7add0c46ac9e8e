// Which key positions each query may attend to: causal attention, optionally restricted to a sliding
// window (Mistral 7B, Jiang et al. 2023, §2 "Sliding Window Attention": the hidden state at position i
// of a layer attends to the hidden states of the previous layer between positions i − W and i; the
// upstream mask, transformers' MistralAttention / `sliding_window`, lets query i see key j iff
// i − W < j ≤ i, i.e. at most W keys, itself included). Positions are absolute indices in the key
// sequence, cache included, so a KV cache and a full forward pass see the same keys.

/**
 * The 0/1 mask [T, P + T] (row-major) of T new queries after P cached positions: query i (absolute
 * position P + i) sees key j iff j ≤ P + i and, with a window W, j > P + i − W.
 */
export function allowedKeys(T: number, P: number, window?: number): Float32Array {
  const Tk = P + T;
  const out = new Float32Array(T * Tk);
  for (let i = 0; i < T; i++) {
    const q = P + i;
    const first = window === undefined ? 0 : Math.max(0, q - window + 1);
    for (let j = first; j <= q; j++) out[i * Tk + j] = 1;
  }
  return out;
}

const MASK_NEG = -1e9;

/**
 * The additive attention mask and the position ids of a pass, computed here rather than by ~12 tfjs kernels a pass
 * (docs/engine-speed.md "A decode block in one call"), with the float32 arithmetic of the composition they replace,
 * step for step: allowed = allowedKeys · keep[b, j], mask = (1 − allowed) · (−1e9) (so −0 where allowed, −1e9
 * elsewhere), positions = max(cumsum(keep[b]) − 1, 0) over this call's T positions. `keep` [B, Tk] is the attention
 * mask (1 real, 0 padding); without it the mask is one [1, 1, T, Tk] and positions run P..P+T−1.
 */
export function passMask(B: number, T: number, P: number, window: number | undefined, keep?: ArrayLike<number>): { add: Float32Array; rows: number; positions: Int32Array } {
  const Tk = P + T;
  const allowed = allowedKeys(T, P, window);
  const rows = keep ? B : 1;
  const add = new Float32Array(rows * T * Tk);
  const f = Math.fround;
  let binary = true;
  if (keep) for (let i = 0; i < keep.length && binary; i++) binary = keep[i] === 0 || keep[i] === 1;
  if (binary) {
    // a 0/1 mask: (1 − 1)·(−1e9) = −0 where allowed and real, (1 − 0)·(−1e9) = −1e9 elsewhere; each query row is its
    // causal template with the padded keys of its batch row set to −1e9
    const template = new Float32Array(T * Tk).fill(MASK_NEG);
    for (let i = 0; i < T * Tk; i++) if (allowed[i] === 1) template[i] = -0;
    for (let b = 0; b < rows; b++) {
      add.set(template, b * T * Tk);
      for (let j = 0; keep && j < Tk; j++) {
        if (keep[b * Tk + j] === 1) continue;
        for (let t = 0; t < T; t++) add[(b * T + t) * Tk + j] = MASK_NEG;
      }
    }
  } else {
    for (let b = 0; b < rows; b++) {
      for (let i = 0; i < T * Tk; i++) add[b * T * Tk + i] = f(f(1 - f(allowed[i]! * f(keep![b * Tk + (i % Tk)]!))) * MASK_NEG);
    }
  }
  const positions = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let count = 0;
    for (let j = 0; j < Tk; j++) {
      count = keep ? f(count + f(keep[b * Tk + j]!)) : j + 1;
      if (j >= P) positions[b * T + j - P] = Math.trunc(Math.max(f(count - 1), 0));
    }
  }
  return { add, rows, positions };
}
