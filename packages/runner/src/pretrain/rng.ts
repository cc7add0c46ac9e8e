// A tiny seeded PRNG for the pretraining data order (mulberry32: Tommy Ettinger's 32-bit generator).
// The whole pipeline is deterministic for a seed: never Math.random here.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** The generator's state, to resume a run exactly where it stopped. */
  state(): number;
}

export function mulberry32(seed: number, state?: number): Rng {
  let s = (state ?? seed) >>> 0;
  return {
    next(): number {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    state: () => s,
  };
}

/** Fisher–Yates shuffle of 0..n-1 driven by `rng` (in place on a fresh array). */
export function permutation(n: number, rng: Rng): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
