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
