// Which model the bench times: the engine's own Transformer + training step + generateIds (default), or
// with --model=proxy the standalone bench/proxy-gpt2.ts (same protocol, built from the engine's ops).
import { engineModel } from './engine-model';
import { proxyModel } from './proxy-gpt2';
import type { BenchSize } from './sizes';

export interface BenchModel {
  name: string;
  step(): number;
  generate(): number[][];
  dispose(): void;
}

export async function benchModel(s: BenchSize): Promise<BenchModel> {
  const which = process.argv.find((a) => a.startsWith('--model='))?.split('=')[1] ?? 'engine';
  if (which === 'proxy') return { name: 'proxy-gpt2 (bench/proxy-gpt2.ts)', ...proxyModel(s) };
  return { name: 'engine Transformer + train step + generateIds', ...engineModel(s) };
}
