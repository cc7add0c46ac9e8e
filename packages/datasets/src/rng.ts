// Seeded PRNG for the world: mulberry32 over a 32-bit state (Tommy Ettinger's public-domain generator),
// seeded through a string hash so every sub-stream ("names", "facts", …) is independent and stable.
// Never Math.random: the same seed and size must give the same bytes.

/** FNV-1a 32-bit hash of a string (used to derive sub-stream seeds and stable ids). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class WorldRng {
  private state: number;
  constructor(seed: number, stream = '') {
    this.state = (fnv1a(`${seed}:${stream}`) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  }
  /** Uniform float in [0, 1) (mulberry32 step). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('pick from an empty list');
    return xs[this.int(xs.length)] as T;
  }
  /** Fisher–Yates shuffle into a new array. */
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a;
  }
  /** k distinct elements (k ≤ xs.length), in random order. */
  sample<T>(xs: readonly T[], k: number): T[] {
    return this.shuffle(xs).slice(0, k);
  }
}
