import { initBackend } from '@editlab/engine';
import { engineModel } from './engine-model';
await initBackend();
const m = engineModel({ id: 'tiny-llama', vocab: 2048, d: 128, layers: 4, heads: 4, seq: 29, batch: 16, arch: { arch: 'llama', dMlp: 352 } } as never);
for (let i = 0; i < 5; i++) m.step();
const ts: number[] = [];
for (let i = 0; i < Number(process.argv[2] ?? 60); i++) { const t0 = performance.now(); m.step(); ts.push(performance.now() - t0); }
ts.sort((a, b) => a - b);
console.log(`side-model step median ${ts[ts.length >> 1]!.toFixed(1)} ms min ${ts[0]!.toFixed(1)}`);
