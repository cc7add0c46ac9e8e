// The fused attention kernels (native/src/attention.c) give the bits of the model's own composition (model/forward.ts
// `attend`: transposes, BatchMatMul, Multiply, Add, Softmax and their tfjs gradients): a whole model's logits, loss
// and every parameter's gradient are bitwise the same with and without them, for both architectures, with a padded
// batch (a per-row mask) and with a product large enough for OpenBLAS's threads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/index';
import { loadNativeAddon } from '../backend/native';
import { registerWasmKernels } from '../backend/register';
import { randomValues } from '../backend/testing';
import { Transformer } from '../model/transformer';
import { tinyConfig } from '../model/testing';
import { headDim, type ModelConfig } from '../model/config';
import { FUSED_KERNELS } from './names';
import * as ops from './ops';

const native = loadNativeAddon();
const skip = native.addon?.attention ? undefined : native.reason ?? 'the native addon predates its attention kernels (npm run build:native -w @editlab/engine)';
const title = (s: string) => (skip ? `${s} (SKIPPED: ${skip})` : s);

/** Raw bits of the logits, the loss Σ logits·w and each parameter's gradient. */
function run(model: Transformer, ids: tf.Tensor2D, mask: tf.Tensor2D | undefined, seed: number): Uint32Array[] {
  const opts = mask ? { attentionMask: mask } : {};
  const params = [...model.params.values()];
  const outs = tf.tidy(() => {
    const logits = model.forward(ids, opts);
    const w = tf.tensor(randomValues(logits.size, seed), logits.shape);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(model.forward(ids, opts), w)) as tf.Scalar, params);
    return [logits, value, ...params.map((p) => grads[p.name]!)];
  });
  const bits = outs.map((t) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
  tf.dispose(outs);
  return bits;
}

function firstDiff(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Everything run() reads, fused and unfused; both must be bitwise equal. */
function compare(config: ModelConfig, B: number, T: number, padded: boolean): void {
  const model = Transformer.init(config, 11);
  const rows = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b * 7 + t * 3) % config.vocabSize));
  const ids = Transformer.idsTensor(rows);
  const mask = padded ? tf.tensor2d(rows.map((r, b) => r.map((_, t) => (t < b % 3 ? 0 : 1))), [B, T], 'int32') : undefined;
  perturb(model, 70);
  // the logits come from a pass without gradients: the whole-block kernel (P = 0) where it fits, counted
  const kernels = [FUSED_KERNELS.attention, FUSED_KERNELS.attentionGrad, FUSED_KERNELS.blockCached].map((n) => tf.getKernel(n, 'wasm')!);
  const block = kernels[2]!;
  let blocks = 0;
  tf.unregisterKernel(block.kernelName, 'wasm');
  tf.registerKernel({ ...block, kernelFunc: (a) => { blocks++; return block.kernelFunc(a); } });
  const fusedOut = run(model, ids, mask, 3);
  for (const k of kernels) tf.unregisterKernel(k.kernelName, 'wasm');
  try {
    expect(blocks, `${config.arch} B${B} T${T}: whole-block kernels`).toBe(T * T * headDim(config) >= 512 ? config.nLayers : 0);
    const plain = run(model, ids, mask, 3);
    expect(fusedOut.length).toBe(plain.length);
    plain.forEach((want, i) => expect(firstDiff(fusedOut[i]!, want), `${config.arch} B${B} T${T}${padded ? ' padded' : ''}: output ${i}`).toBe(-1));
  } finally {
    for (const k of kernels) tf.registerKernel(k);
    ids.dispose();
    mask?.dispose();
    model.dispose();
  }
}

/** Greedy decoding with the KV cache (the way generate.ts steps): every step's logits and the final cache, as bits. */
function decode(model: Transformer, rows: number[][], lefts: number[], steps: number): Uint32Array[] {
  const B = rows.length;
  const out: Uint32Array[] = [];
  const bits = (t: tf.Tensor) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer);
  let ids = Transformer.idsTensor(rows);
  let mask = tf.tensor2d(rows.map((r, b) => r.map((_, t) => (t < lefts[b]! ? 0 : 1))), [B, rows[0]!.length], 'int32');
  let cache: ReturnType<Transformer['forwardWithCache']>['cache'] | undefined;
  for (let s = 0; s <= steps; s++) {
    const r = model.forwardWithCache(ids, { attentionMask: mask, ...(cache ? { cache } : {}), lastOnly: true });
    out.push(bits(r.logits));
    if (cache) tf.dispose(cache.layers.flatMap((l) => [l.k, l.v]));
    cache = r.cache;
    const next = tf.tidy(() => tf.reshape(tf.argMax(tf.reshape(r.logits, [B, -1]), 1), [B, 1]).toInt()) as tf.Tensor2D;
    r.logits.dispose();
    ids.dispose();
    ids = next;
    const grown = tf.concat([mask, tf.ones([B, 1], 'int32')], 1) as tf.Tensor2D;
    mask.dispose();
    mask = grown;
  }
  for (const l of cache!.layers) out.push(bits(l.k), bits(l.v));
  tf.dispose([ids, mask, ...cache!.layers.flatMap((l) => [l.k, l.v])]);
  return out;
}

/** Biases and norm gains away from their init (0 and 1), so a bias or gain read wrongly shows. */
function perturb(model: Transformer, seed: number): void {
  let i = 0;
  for (const [name, p] of model.params) {
    if (!/\.b_|\.b$|ln\d?\.w$|ln_final\.w$/.test(name)) continue;
    const base = name.endsWith('.w') ? 1 : 0;
    p.assign(tf.tensor(randomValues(p.size, seed + i++).map((v) => base + 0.3 * v), p.shape));
  }
}

/**
 * decode() with the kernel under test (the cached attention alone, or the whole cached block, which runs the attention's
 * code too) against the composition without either: bitwise equal, and the kernel did run.
 */
function compareDecode(config: ModelConfig, rows: number[][], lefts: number[], steps: number, under: 'attentionCached' | 'blockCached' = 'attentionCached'): void {
  const model = Transformer.init(config, 13);
  perturb(model, 50);
  const names = [FUSED_KERNELS.attention, FUSED_KERNELS.attentionGrad, FUSED_KERNELS.attentionCached, FUSED_KERNELS.blockCached];
  const kernels = names.map((n) => tf.getKernel(n, 'wasm')!);
  const tested = tf.getKernel(FUSED_KERNELS[under], 'wasm')!;
  let ran = 0;
  if (under === 'attentionCached') tf.unregisterKernel(FUSED_KERNELS.blockCached, 'wasm');
  tf.unregisterKernel(tested.kernelName, 'wasm');
  tf.registerKernel({ ...tested, kernelFunc: (a) => { ran++; return tested.kernelFunc(a); } });
  let fusedOut: Uint32Array[];
  try {
    fusedOut = decode(model, rows, lefts, steps);
  } finally {
    for (const k of kernels) if (tf.getKernel(k.kernelName, 'wasm')) tf.unregisterKernel(k.kernelName, 'wasm');
  }
  try {
    const plain = decode(model, rows, lefts, steps);
    expect(ran).toBeGreaterThan(0);
    expect(fusedOut.length).toBe(plain.length);
    plain.forEach((want, i) => expect(firstDiff(fusedOut[i]!, want), `${config.arch} ${under} decode output ${i}`).toBe(-1));
  } finally {
    for (const k of kernels) tf.registerKernel(k);
    model.dispose();
  }
}

describe.skipIf(skip !== undefined)('fused attention vs the model\'s composition (wasm)', () => {
  beforeAll(async () => { await initBackend('wasm'); registerWasmKernels(); });
  afterAll(() => { registerWasmKernels(); });

  it(title('the fused path runs when the kernels are registered and not otherwise'), () => {
    const q = tf.zeros([2, 9, 4, 8]) as tf.Tensor4D;
    const mask = tf.zeros([1, 1, 9, 9]);
    expect(ops.fusedAttention(q, q, q, mask, 0.5)?.shape).toEqual([2, 9, 4, 8]);
    expect(ops.fusedAttention(q, q, q, tf.zeros([1, 1, 9, 10]), 0.5)).toBeUndefined(); // keys ≠ queries: a cache
    const small = tf.zeros([1, 4, 2, 8]) as tf.Tensor4D; // 4·4·8 < 512 multiply-adds a product: tfjs's own loop, not OpenBLAS
    expect(ops.fusedAttention(small, small, small, tf.zeros([1, 1, 4, 4]), 0.5)).toBeUndefined();
    const k = tf.getKernel(FUSED_KERNELS.attention, 'wasm')!;
    tf.unregisterKernel(k.kernelName, 'wasm');
    expect(ops.fusedAttention(q, q, q, mask, 0.5)).toBeUndefined();
    tf.registerKernel(k);
    tf.dispose([q, mask, small]);
  });

  it(title('GPT-2 and Llama style: logits, loss and every gradient bitwise equal'), () => {
    compare(tinyConfig('gpt2'), 3, 17, false);
    compare(tinyConfig('llama'), 3, 17, false);
    compare(tinyConfig('gpt2'), 2, 5, false); // 5·5·8 < 512: the composition's small products stay tfjs's, and so does attention
    compare(tinyConfig('gpt2'), 2, 8, false); // 8·8·8 = 512: the first size OpenBLAS takes
  });

  it(title('grouped-query attention (Llama style, 4 query heads on 2 and on 1 key/value heads)'), () => {
    compare(tinyConfig('llama', { nKvHeads: 2 }), 3, 17, false);
    compare(tinyConfig('llama', { nKvHeads: 1 }), 2, 9, true);
  });

  it(title('a padded batch (a mask per row)'), () => {
    compare(tinyConfig('gpt2'), 4, 12, true);
    compare(tinyConfig('llama'), 4, 12, true);
  });

  it(title('a head product above the single-thread limit (T·T·dh ≥ 2^22: OpenBLAS threads)'), () => {
    compare(tinyConfig('gpt2', { dModel: 128, nHeads: 1, maxSeq: 260, nLayers: 1 }), 1, 260, false);
  });

  it(title('KV-cache decoding (prompt, then one position a step; left padding): every step\'s logits and the cache bitwise equal'), () => {
    // dh = 32: a decode step's products reach OpenBLAS's 512 multiply-adds at 16 keys, so the first steps take the
    // composition and the later ones the kernel, as the composition's own products switch
    const rows = [[3, 7, 2, 9, 4, 5, 1, 8, 6, 2], [0, 0, 0, 5, 1, 8, 6, 2, 9, 3]];
    compareDecode(tinyConfig('gpt2', { dModel: 64, nHeads: 2 }), rows, [0, 3], 12);
    compareDecode(tinyConfig('llama', { dModel: 128, nHeads: 4, nKvHeads: 2 }), rows, [0, 3], 12);
  });

  it(title('a whole cached block in one kernel (GPT-2 style; Llama style with q/k/v biases, grouped heads, a sliding window): every step bitwise equal'), () => {
    // the block kernel takes a pass only where every product of the composition reaches OpenBLAS (here from 16 keys on)
    const rows = [[3, 7, 2, 9, 4, 5, 1, 8, 6, 2], [0, 0, 0, 5, 1, 8, 6, 2, 9, 3], [1, 1, 4, 4, 0, 2, 7, 7, 3, 3]];
    compareDecode(tinyConfig('gpt2', { dModel: 64, nHeads: 2, nLayers: 3 }), rows, [0, 3, 1], 12, 'blockCached');
    compareDecode(tinyConfig('llama', { dModel: 128, nHeads: 4, nKvHeads: 2, qkvBias: true, dMlp: 96 }), rows, [0, 3, 1], 12, 'blockCached');
    compareDecode(tinyConfig('llama', { dModel: 64, nHeads: 2, nKvHeads: 1, slidingWindow: 7, maxSeq: 64 }), rows, [0, 3, 1], 20, 'blockCached');
  });

  it(title('no tensor leaks through a fused forward + backward'), () => {
    const model = Transformer.init(tinyConfig('gpt2'), 5);
    const ids = Transformer.idsTensor([[1, 2, 3, 4, 5, 6]]);
    run(model, ids, undefined, 1);
    const before = tf.memory().numTensors;
    run(model, ids, undefined, 1);
    expect(tf.memory().numTensors).toBe(before);
    ids.dispose();
    model.dispose();
  });
});
