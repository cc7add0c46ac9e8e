// Which model the bench times: the engine's own Transformer + train/generate when the engine exports
// them, otherwise bench/proxy-gpt2.ts (same protocol, built from the engine's ops).
import { proxyModel } from './proxy-gpt2';
import type { BenchSize } from './sizes';

export interface BenchModel {
  name: string;
  step(): number;
  generate(): number[][];
  dispose(): void;
}

export async function benchModel(s: BenchSize): Promise<BenchModel> {
  return { name: 'proxy-gpt2 (bench/proxy-gpt2.ts)', ...proxyModel(s) };
}
