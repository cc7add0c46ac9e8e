import * as tf from '@tensorflow/tfjs';
import { initBackend, layerNorm, gelu } from '@editlab/engine';
import { loadNativeAddon } from '../packages/engine/src/backend/native';
await initBackend();
const addon = loadNativeAddon().addon as any;
const x = tf.randomNormal([1536, 256]); const g = tf.ones([256]); const b = tf.zeros([256]);
const h = tf.randomNormal([1536, 1024]);
const W = tf.randomNormal([256, 1024]);
function time(name: string, f: () => tf.Tensor) {
  for (let i = 0; i < 3; i++) f().dispose();
  const ts: number[] = [];
  for (let i = 0; i < 20; i++) { const t0 = performance.now(); const y = f(); ts.push(performance.now() - t0); y.dispose(); }
  ts.sort((p, q) => p - q); console.log(name.padEnd(30), ts[10]!.toFixed(3), 'ms');
}
for (const [blas, par] of [[2,2],[2,1]]) {
  addon.setThreads(blas); addon.setParThreads(par);
  console.log(`blas ${blas} par ${par}`);
  time('gelu [1536,1024]', () => gelu(h));
  time('matmul [1536,256]x[256,1024]', () => tf.matMul(x, W));
  time('matmul then gelu', () => tf.tidy(() => gelu(tf.matMul(x, W))));
  time('matmul then layerNorm', () => tf.tidy(() => layerNorm(tf.matMul(h, W, false, true), g, b)));
}
