// Dense retrieval over an edit memory with the base model's own features (features.ts) as the encoder: the
// stand-in for LTE's frozen sentence encoder (Jiang et al. 2024, §3.2: multi-qa-mpnet, L2-normalised, top-1 by
// cosine). Features are centred on a stored mean (the raw mean hidden states of one model all point one way) and
// L2-normalised, so the score is a cosine.

/** Centre and L2-normalise a feature. */
export function unitKey(f: Float32Array, centre: Float32Array): Float32Array {
  const out = f.map((x, k) => x - centre[k]!);
  const n = Math.hypot(...out) || 1;
  return out.map((x) => x / n);
}

/** The index and cosine of the best key for a query key; undefined for an empty memory. */
export function topOne(keys: readonly Float32Array[], q: Float32Array): { index: number; score: number } | undefined {
  let best: { index: number; score: number } | undefined;
  keys.forEach((k, index) => {
    let score = 0;
    for (let i = 0; i < q.length; i++) score += k[i]! * q[i]!;
    if (!best || score > best.score) best = { index, score };
  });
  return best;
}
