// Profile of one training step of the tiny-llama pretraining preset (RMSNorm, SwiGLU, RoPE):
// node --import tsx bench/profile-llama.ts. Prints the step median, per-kernel times and BatchMatMul shapes.
import * as tf from '@tensorflow/tfjs';
import { adam, disposeBatch, initBackend, makeBatch, nextTokenNll, Transformer } from '@editlab/engine';
await initBackend();
const model = Transformer.init({ arch: 'llama', vocabSize: 2048, dModel: 128, nLayers: 4, nHeads: 4, nKvHeads: 4, dMlp: 352, maxSeq: 64, normEps: 1e-6, ropeTheta: 10000, tieEmbeddings: false }, 1);
const vars = [...model.params.values()];
const opt = adam(2e-3);
const ex = Array.from({ length: 32 }, (_, b) => ({ ids: Array.from({ length: 64 }, (_, i) => (b * 131 + i * 17) % 2048) }));
const step = () => { const batch = makeBatch(ex, 0); const { value, grads } = tf.variableGrads(() => nextTokenNll(model, batch), vars); opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name]! }))); const l = value.dataSync()[0]; tf.dispose([value, ...Object.values(grads)]); disposeBatch(batch); return l; };
step(); step();
const ts: number[] = []; for (let i = 0; i < 6; i++) { const t0 = performance.now(); step(); ts.push(performance.now() - t0); }
ts.sort((a, b) => a - b); console.log('llama tiny step median', ts[3]!.toFixed(1), 'ms');
const prof = await tf.profile(() => { step(); });
const by = new Map<string, { ms: number; n: number }>(); let total = 0;
for (const k of prof.kernels) { const ms = k.kernelTimeMs as number; total += ms; const e = by.get(k.name) ?? { ms: 0, n: 0 }; e.ms += ms; e.n++; by.set(k.name, e); }
console.log(`${prof.kernels.length} kernels, ${total.toFixed(1)} ms kernel`);
for (const [n, e] of [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 18)) console.log(n.padEnd(22), e.ms.toFixed(1).padStart(7), String(e.n).padStart(5));
const by2 = new Map<string, { ms: number; n: number }>();
for (const k of prof.kernels) { if (k.name !== 'BatchMatMul') continue; const key = JSON.stringify(k.inputShapes); const e = by2.get(key) ?? { ms: 0, n: 0 }; e.ms += k.kernelTimeMs as number; e.n++; by2.set(key, e); }
for (const [n, e] of [...by2.entries()].sort((a, b) => b[1].ms - a[1].ms)) console.log(e.ms.toFixed(1).padStart(7), String(e.n).padStart(4), n);
