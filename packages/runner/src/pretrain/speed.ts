// How fast the engine makes pretraining (issue 8), for the model cards: the median training step of
// each default model's exact shape (V 2048, d 128, 4 layers, 4 heads, 64 tokens × 32), measured alone by
//   npm run bench -- --size=tiny,tiny-llama --variants --no-torch --no-gen --steps=8 --warmup=1
// on 2026-12-01 (2-core dev machine, load average 1.1), on stock tfjs-wasm 4.22 and on the engine's
// default path (wasm + OpenBLAS sgemm + native and fused kernels). Not measured by the training run.
export const PRETRAIN_STEP_MS: Readonly<Record<string, { readonly stock: number; readonly engine: number }>> = {
  'tiny-gpt2': { stock: 8089, engine: 158 },
  'tiny-llama': { stock: 6929, engine: 149 },
};

const duration = (ms: number): string => (ms >= 3.6e6 ? `${(ms / 3.6e6).toFixed(1)} h` : `${(ms / 6e4).toFixed(1)} min`);

/** The card's "Engine speed" section: this run's mean step, and the bench's before/after for its shape. */
export function speedSection(name: string, steps: number, wallSeconds: number): string[] {
  const m = PRETRAIN_STEP_MS[name];
  if (!m) return [];
  return [
    '## Engine speed (before and after the engine work of issue 8)',
    `- This run: ${((wallSeconds * 1000) / steps).toFixed(0)} ms per step on average (wall time / steps, with evaluation, state saves and whatever else shared the CPU)`,
    `- The same step alone (\`npm run bench -- --size=${name === 'tiny-gpt2' ? 'tiny' : 'tiny-llama'} --variants\`, 2026-12-01): stock tfjs-wasm 4.22 ${m.stock.toLocaleString('en-US')} ms → ${steps} steps ≈ ${duration(m.stock * steps)}; the engine's default path ${m.engine} ms → ≈ ${duration(m.engine * steps)}`,
    '',
  ];
}
