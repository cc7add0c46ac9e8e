// The three sizes of the perf probe (docs/engine-backend.md §1; issue 2 Benchmark, issue 8).
export interface BenchSize {
  id: 'a' | 'b' | 'c' | 'tiny' | 'tiny-llama' | 'tiny-v2' | 'tiny-llama-v2';
  vocab: number;
  d: number;
  layers: number;
  heads: number;
  seq: number;
  batch: number;
  /** Default: GPT-2 style with d_mlp = 4d. */
  arch?: { readonly arch: 'llama'; readonly dMlp: number };
}

export const SIZES: readonly BenchSize[] = [
  { id: 'a', vocab: 2048, d: 128, layers: 4, heads: 4, seq: 32, batch: 32 },
  { id: 'b', vocab: 4096, d: 256, layers: 4, heads: 8, seq: 48, batch: 32 },
  { id: 'c', vocab: 8192, d: 384, layers: 6, heads: 6, seq: 64, batch: 16 },
];

/** The pretraining steps of the embedded default models (runner/src/pretrain/presets.ts): `--size=tiny,tiny-llama` (v1),
 * `--size=tiny-v2,tiny-llama-v2` (v2). */
export const TINY: readonly BenchSize[] = [
  { id: 'tiny', vocab: 2048, d: 128, layers: 4, heads: 4, seq: 64, batch: 32 },
  { id: 'tiny-llama', vocab: 2048, d: 128, layers: 4, heads: 4, seq: 64, batch: 32, arch: { arch: 'llama', dMlp: 352 } },
  // version 2 (the committed default models): the same tokens per step over a 128-token window, 5,800 steps
  { id: 'tiny-v2', vocab: 2048, d: 128, layers: 4, heads: 4, seq: 128, batch: 16 },
  { id: 'tiny-llama-v2', vocab: 2048, d: 128, layers: 4, heads: 4, seq: 128, batch: 16, arch: { arch: 'llama', dMlp: 352 } },
];

/** FLOP per training step: 6·N_mm·tokens + 12·L·B·T²·d, N_mm = L·12d² + V·d (docs/engine-backend.md §1). */
export function stepFlops(s: BenchSize): number {
  const tokens = s.batch * s.seq;
  const nMm = s.layers * 12 * s.d * s.d + s.vocab * s.d;
  return 6 * nMm * tokens + 12 * s.layers * s.batch * s.seq * s.seq * s.d;
}

/** Generation protocol (docs/engine-backend.md §1): 8 prompts of 16 tokens, 32 new tokens, greedy, KV cache. */
/** Generation: prompts × promptLen tokens, newTokens greedy; `runs` timed calls after `warmup` (both sides). */
export const GEN = { prompts: 8, promptLen: 16, newTokens: 32, warmup: 2, runs: 8 } as const;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
