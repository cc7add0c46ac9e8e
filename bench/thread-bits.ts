// Does OpenBLAS's thread count change numbers? The same products under 2 and 1 OpenBLAS threads, compared bit for bit
// (docs/engine-speed.md "Threads"; the split loops of native/src/par.c are checked by src/backend/native-split.spec.ts).
// node --import tsx bench/thread-bits.ts
import * as tf from '@tensorflow/tfjs';
import { initBackend, registerWasmKernels } from '@editlab/engine';

const info = await initBackend();
if (info.matmul !== 'openblas') throw new Error(`needs the OpenBLAS path (matmul is ${info.matmul})`);
const ROWS = [1, 8, 29, 48, 128, 464, 512, 2048];
const INNER = [32, 128, 352, 384, 464, 512, 1024, 2048];
const COLS = [128, 352, 512, 2048];

function bits(t: tf.Tensor): Uint32Array {
  return new Uint32Array(new Float32Array(t.dataSync()).buffer);
}
const same = (a: Uint32Array, b: Uint32Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Every product [m,k]·[k,n] of the grid under a setting, as bits. */
function products(opts: { blasThreads: number }): Map<string, Uint32Array> {
  registerWasmKernels(opts);
  const out = new Map<string, Uint32Array>();
  for (const m of ROWS) for (const k of INNER) for (const n of COLS) {
    const c = tf.tidy(() => tf.matMul(tf.randomNormal([m, k], 0, 1, 'float32', m * 7 + k), tf.randomNormal([k, n], 0, 1, 'float32', n)));
    out.set(`${m}x${k}x${n}`, bits(c));
    c.dispose();
  }
  return out;
}

const base = products({ blasThreads: 2 });
const one = products({ blasThreads: 1 });
const differ = [...base.keys()].filter((k) => !same(base.get(k)!, one.get(k)!));
console.log(`OpenBLAS 2 vs 1 threads: ${differ.length} of ${base.size} products [m x k x n] differ in at least one bit${differ.length ? `: ${differ.join(', ')}` : ''}`);
registerWasmKernels({});
