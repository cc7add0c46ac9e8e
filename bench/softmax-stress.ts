// The native Softmax (packages/engine/native/src/softmax.c) against tfjs-backend-wasm's own (XNNPACK's), bit for bit,
// over random shapes: row lengths up to 3,000, logits scaled 0.01 to 1e5, 5% of entries masked with −1e9.
// node --import tsx bench/softmax-stress.ts [--shapes=3000] [--seed=12345]     (docs/engine-speed.md, "Softmax with XNNPACK's bits")
import * as tf from '@tensorflow/tfjs';
import { initBackend, registerWasmKernels } from '@editlab/engine';

const get = (n: string, d: string) => process.argv.find((a) => a.startsWith(`--${n}=`))?.split('=')[1] ?? d;
const shapes = Number(get('shapes', '3000'));
let state = Number(get('seed', '12345')) >>> 0;
const rnd = () => { state = (Math.imul(state, 1103515245) + 12345) >>> 0; return state / 4294967296; };

await initBackend('wasm');
const softmaxBits = (x: Float32Array, rows: number, n: number, native: boolean): Uint32Array => {
  registerWasmKernels({ nativeElementwise: native });
  const y = tf.tidy(() => tf.softmax(tf.tensor2d(x, [rows, n])));
  const bits = new Uint32Array((y.dataSync() as Float32Array).slice().buffer);
  y.dispose();
  return bits;
};
let differ = 0;
let total = 0;
const t0 = performance.now();
for (let it = 0; it < shapes; it++) {
  const n = 1 + Math.floor(rnd() * (it % 10 === 0 ? 3000 : 300));
  const rows = 1 + Math.floor(rnd() * 20);
  const scale = [0.01, 1, 10, 100, 1000, 1e5][it % 6]!;
  const x = new Float32Array(rows * n).map(() => (rnd() * 2 - 1) * scale + (rnd() < 0.05 ? -1e9 : 0));
  const want = softmaxBits(x, rows, n, false);
  const got = softmaxBits(x, rows, n, true);
  total += want.length;
  for (let i = 0; i < want.length; i++) {
    if (want[i] !== got[i]) {
      if (differ < 5) console.log(`shape ${it} [${rows}, ${n}]: element ${i} differs`);
      differ++;
    }
  }
}
registerWasmKernels();
console.log(`softmax: ${differ} of ${total} outputs differ from the stock kernel's over ${shapes} shapes; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
