// wasm kernels computed by the native addon on the wasm heap (packages/engine/native/src/{eltwise,fused}.c),
// multi-threaded with OpenMP and vectorised. Two kinds:
//  * replacements of stock wasm kernels the size-b profile shows as hot (bench/profile.ts): Sum over
//    leading axes (stock transposes first: 2.2 ms per [1536,256] bias gradient), Tanh, Exp;
//  * the engine's own fused kernels (Editlab*), used by kernels/fused.ts behind kernels/ops.ts.
// Every kernel falls back to the stock one (or is simply not used) for dtypes/layouts it does not handle.
import * as tf from '@tensorflow/tfjs';
import { FUSED_KERNELS } from '../kernels/names';
import type { NativeAddon } from './native';
import { blockCachedKernel } from './native-block';
import { gradsKernels } from './native-grads';
import { nativeTranspose } from './native-transpose';
import { replaceKernel, restoreKernel, stockKernel } from './replace-kernel';
import { asWasm, memoryOffset, type WasmBackend } from './wasm-internals';

type Inputs = Record<string, tf.TensorInfo>;

function heap(b: WasmBackend): ArrayBuffer {
  return b.wasm.HEAPU8.buffer as ArrayBuffer;
}

/** Allocate outputs first, then read offsets: an allocation may grow (and move) the heap. */
function outputs(b: WasmBackend, specs: Array<[number[], tf.DataType]>): tf.TensorInfo[] {
  return specs.map(([shape, dtype]) => b.makeOutput(shape, dtype));
}

const UNARY_OPS = { Tanh: 0, Exp: 1 } as const;

function unaryKernel(addon: NativeAddon, name: keyof typeof UNARY_OPS): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as Inputs as { x: tf.TensorInfo };
    if (x.dtype !== 'float32') return stockKernel(name, 'wasm').kernelFunc(args);
    const b = asWasm(args.backend);
    const [y] = outputs(b, [[x.shape, 'float32']]);
    addon.unary(heap(b), UNARY_OPS[name], memoryOffset(b, x), memoryOffset(b, y!), tf.util.sizeFromShape(x.shape));
    return y!;
  };
}

/** Add of two float32 tensors of one shape (residual adds, gradient sums) from 65,536 elements, split over OpenBLAS's
 * workers (native/src/par.c); anything else (broadcasts, other dtypes, small sizes): stock. One IEEE add per element. */
const NATIVE_ADD_MIN = 65536;
function addKernel(add: NonNullable<NativeAddon['add']>): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as Inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const n = tf.util.sizeFromShape(a.shape);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || n < NATIVE_ADD_MIN || !tf.util.arraysEqual(a.shape, b.shape)) {
      return stockKernel('Add', 'wasm').kernelFunc(args);
    }
    const w = asWasm(args.backend);
    const [y] = outputs(w, [[a.shape, 'float32']]);
    add(heap(w), memoryOffset(w, a), memoryOffset(w, b), memoryOffset(w, y!), n);
    return y!;
  };
}

/** Softmax over the last axis (tfjs-core allows no other), with the stock kernel's bits (native/src/softmax.c). */
function softmaxKernel(softmax: NonNullable<NativeAddon['softmax']>): tf.KernelFunc {
  return (args) => {
    const { logits } = args.inputs as Inputs as { logits: tf.TensorInfo };
    const { dim } = args.attrs as unknown as { dim: number };
    const r = logits.shape.length;
    if (logits.dtype !== 'float32' || r === 0 || (dim !== -1 && dim !== r - 1)) return stockKernel('Softmax', 'wasm').kernelFunc(args);
    const b = asWasm(args.backend);
    const [y] = outputs(b, [[logits.shape, 'float32']]);
    const n = logits.shape[r - 1]!;
    const size = tf.util.sizeFromShape(logits.shape);
    if (size > 0) softmax(heap(b), memoryOffset(b, logits), memoryOffset(b, y!), size / n, n);
    return y!;
  };
}

/** Sum over a leading block of axes (bias gradients) or a trailing block; anything else: stock. */
function sumKernel(addon: NativeAddon): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as Inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const r = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const k = axes.length;
    const leading = k > 0 && k < r && axes.every((a, i) => a === i);
    const trailing = k > 0 && axes.every((a, i) => a === r - k + i);
    if (x.dtype !== 'float32' || (!leading && !trailing)) return stockKernel('Sum', 'wasm').kernelFunc(args);
    const split = leading ? k : r - k;
    const outer = tf.util.sizeFromShape(x.shape.slice(0, split));
    const inner = tf.util.sizeFromShape(x.shape.slice(split));
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const b = asWasm(args.backend);
    const [y] = outputs(b, [[shape, 'float32']]);
    if (outer * inner === 0) {
      b.typedArrayFromHeap(y!).fill(0);
      return y!;
    }
    addon.sum(heap(b), memoryOffset(b, x), memoryOffset(b, y!), outer, inner, leading);
    return y!;
  };
}

function geluKernels(addon: NativeAddon): Record<string, tf.KernelFunc> {
  return {
    [FUSED_KERNELS.gelu]: (args) => {
      const { x } = args.inputs as Inputs as { x: tf.TensorInfo };
      const b = asWasm(args.backend);
      const [y] = outputs(b, [[x.shape, 'float32']]);
      addon.gelu(heap(b), memoryOffset(b, x), memoryOffset(b, y!), -1, tf.util.sizeFromShape(x.shape));
      return y!;
    },
    [FUSED_KERNELS.geluKeep]: (args) => {
      const { x } = args.inputs as Inputs as { x: tf.TensorInfo };
      const b = asWasm(args.backend);
      const [y, t] = outputs(b, [[x.shape, 'float32'], [x.shape, 'float32']]);
      addon.gelu(heap(b), memoryOffset(b, x), memoryOffset(b, y!), memoryOffset(b, t!), tf.util.sizeFromShape(x.shape));
      return [y!, t!];
    },
    [FUSED_KERNELS.geluGrad]: (args) => {
      const { x, t, dy } = args.inputs as Inputs as { x: tf.TensorInfo; t?: tf.TensorInfo; dy: tf.TensorInfo };
      const b = asWasm(args.backend);
      const [dx] = outputs(b, [[x.shape, 'float32']]);
      addon.geluGrad(heap(b), memoryOffset(b, x), t ? memoryOffset(b, t) : -1, memoryOffset(b, dy), memoryOffset(b, dx!), tf.util.sizeFromShape(x.shape));
      return dx!;
    },
  };
}

function swigluKernels(addon: NativeAddon): Record<string, tf.KernelFunc> {
  return {
    [FUSED_KERNELS.swiglu]: (args) => {
      const { gate, up } = args.inputs as Inputs as Record<'gate' | 'up', tf.TensorInfo>;
      const b = asWasm(args.backend);
      const [y] = outputs(b, [[gate.shape, 'float32']]);
      addon.swiglu(heap(b), memoryOffset(b, gate), memoryOffset(b, up), memoryOffset(b, y!), tf.util.sizeFromShape(gate.shape));
      return y!;
    },
    [FUSED_KERNELS.swigluGrad]: (args) => {
      const { gate, up, dy } = args.inputs as Inputs as Record<'gate' | 'up' | 'dy', tf.TensorInfo>;
      const b = asWasm(args.backend);
      const [dg, du] = outputs(b, [[gate.shape, 'float32'], [gate.shape, 'float32']]);
      addon.swigluGrad(heap(b), memoryOffset(b, gate), memoryOffset(b, up), memoryOffset(b, dy), memoryOffset(b, dg!), memoryOffset(b, du!), tf.util.sizeFromShape(gate.shape));
      return [dg!, du!];
    },
  };
}

function ropeKernels(addon: NativeAddon): Record<string, tf.KernelFunc> {
  // x [B, T, H, dh]; cos, sin [B, T, 1, dh] (shared by the heads)
  const dims = (x: tf.TensorInfo) => { const [B, T, H, dh] = x.shape as [number, number, number, number]; return { rows: B * T, H, dh }; };
  return {
    [FUSED_KERNELS.rope]: (args) => {
      const { x, cos, sin } = args.inputs as Inputs as Record<'x' | 'cos' | 'sin', tf.TensorInfo>;
      const { rows, H, dh } = dims(x);
      const b = asWasm(args.backend);
      const [y] = outputs(b, [[x.shape, 'float32']]);
      addon.rope(heap(b), memoryOffset(b, x), memoryOffset(b, cos), memoryOffset(b, sin), memoryOffset(b, y!), rows, H, dh);
      return y!;
    },
    [FUSED_KERNELS.ropeGrad]: (args) => {
      const { x, cos, sin, dy } = args.inputs as Inputs as Record<'x' | 'cos' | 'sin' | 'dy', tf.TensorInfo>;
      const { rows, H, dh } = dims(x);
      const b = asWasm(args.backend);
      const [dx, dc, ds] = outputs(b, [[x.shape, 'float32'], [cos.shape, 'float32'], [sin.shape, 'float32']]);
      addon.ropeGrad(heap(b), memoryOffset(b, x), memoryOffset(b, cos), memoryOffset(b, sin), memoryOffset(b, dy),
        memoryOffset(b, dx!), memoryOffset(b, dc!), memoryOffset(b, ds!), rows, H, dh);
      return [dx!, dc!, ds!];
    },
  };
}

function xentKernels(addon: NativeAddon): Record<string, tf.KernelFunc> {
  return {
    // logits [N, V] f32, targets [N] i32, mask [N] f32 → loss [], lse [N]
    [FUSED_KERNELS.xent]: (args) => {
      const { logits, targets, mask } = args.inputs as Inputs as Record<'logits' | 'targets' | 'mask', tf.TensorInfo>;
      const [n, v] = logits.shape as [number, number];
      const b = asWasm(args.backend);
      const [loss, lse] = outputs(b, [[[], 'float32'], [[n], 'float32']]);
      addon.xent(heap(b), memoryOffset(b, logits), memoryOffset(b, targets), memoryOffset(b, mask), n, v, memoryOffset(b, loss!), memoryOffset(b, lse!));
      return [loss!, lse!];
    },
    // + lse [N], dy [] → dlogits [N, V], dmask [N]
    [FUSED_KERNELS.xentGrad]: (args) => {
      const { logits, targets, mask, lse, dy } = args.inputs as Inputs as Record<'logits' | 'targets' | 'mask' | 'lse' | 'dy', tf.TensorInfo>;
      const [n, v] = logits.shape as [number, number];
      const b = asWasm(args.backend);
      const [dl, dm] = outputs(b, [[[n, v], 'float32'], [[n], 'float32']]);
      const g = (b.typedArrayFromHeap(dy) as Float32Array)[0]!;
      addon.xentGrad(heap(b), memoryOffset(b, logits), memoryOffset(b, targets), memoryOffset(b, mask), memoryOffset(b, lse), g, n, v, memoryOffset(b, dl!), memoryOffset(b, dm!));
      return [dl!, dm!];
    },
  };
}

function normKernels(addon: NativeAddon): Record<string, tf.KernelFunc> {
  // x [R, D], gamma [D], beta [D] (LayerNorm only); saved per-row statistics: mean [R] (LayerNorm), rstd [R]
  const forward = (kind: 0 | 1): tf.KernelFunc => (args) => {
    const { x, gamma, beta } = args.inputs as Inputs as Record<'x' | 'gamma' | 'beta', tf.TensorInfo>;
    const { eps } = args.attrs as unknown as { eps: number };
    const [rows, d] = x.shape as [number, number];
    const b = asWasm(args.backend);
    const outs = outputs(b, kind === 0 ? [[[rows, d], 'float32'], [[rows], 'float32'], [[rows], 'float32']] : [[[rows, d], 'float32'], [[rows], 'float32']]);
    const y = outs[0]!, rstd = outs[outs.length - 1]!;
    const mean = kind === 0 ? memoryOffset(b, outs[1]!) : 0;
    addon.norm(heap(b), kind, memoryOffset(b, x), memoryOffset(b, gamma), kind === 0 ? memoryOffset(b, beta) : 0, rows, d, eps, memoryOffset(b, y), mean, memoryOffset(b, rstd));
    return outs;
  };
  const backward = (kind: 0 | 1): tf.KernelFunc => (args) => {
    const { x, gamma, dy, mean, rstd } = args.inputs as Inputs as Record<'x' | 'gamma' | 'dy' | 'mean' | 'rstd', tf.TensorInfo>;
    const [rows, d] = x.shape as [number, number];
    const b = asWasm(args.backend);
    const outs = outputs(b, kind === 0 ? [[[rows, d], 'float32'], [[d], 'float32'], [[d], 'float32']] : [[[rows, d], 'float32'], [[d], 'float32']]);
    addon.normGrad(heap(b), kind, memoryOffset(b, x), memoryOffset(b, gamma), memoryOffset(b, dy), kind === 0 ? memoryOffset(b, mean) : 0,
      memoryOffset(b, rstd), rows, d, memoryOffset(b, outs[0]!), memoryOffset(b, outs[1]!), kind === 0 ? memoryOffset(b, outs[2]!) : 0);
    return outs;
  };
  return {
    [FUSED_KERNELS.layerNorm]: forward(0),
    [FUSED_KERNELS.layerNormGrad]: backward(0),
    [FUSED_KERNELS.rmsNorm]: forward(1),
    [FUSED_KERNELS.rmsNormGrad]: backward(1),
  };
}

function adamKernel(addon: NativeAddon): tf.KernelFunc {
  // p, m, v, g of one variable → p', m', v' (new buffers: variables are reassigned, never written in place,
  // so a zero-copy clone of a variable can never see its value change).
  return (args) => {
    const { p, m, v, g } = args.inputs as Inputs as Record<'p' | 'm' | 'v' | 'g', tf.TensorInfo>;
    const { lr, beta1, beta2, eps, c1, c2 } = args.attrs as unknown as Record<'lr' | 'beta1' | 'beta2' | 'eps' | 'c1' | 'c2', number>;
    const b = asWasm(args.backend);
    const outs = outputs(b, [[p.shape, 'float32'], [p.shape, 'float32'], [p.shape, 'float32']]);
    const [po, mo, vo] = outs.map((t) => memoryOffset(b, t)) as [number, number, number];
    addon.adam(heap(b), memoryOffset(b, p), memoryOffset(b, m), memoryOffset(b, v), memoryOffset(b, g), tf.util.sizeFromShape(p.shape),
      lr, beta1, beta2, eps, c1, c2, po, mo, vo);
    return outs;
  };
}

/** Replace Sum/Tanh/Exp (and Softmax and Transpose, when the addon has it) on wasm by native kernels. */
export function registerNativeReplacements(addon: NativeAddon): void {
  replaceKernel('Sum', 'wasm', sumKernel(addon));
  replaceKernel('Tanh', 'wasm', unaryKernel(addon, 'Tanh'));
  replaceKernel('Exp', 'wasm', unaryKernel(addon, 'Exp'));
  if (addon.add) replaceKernel('Add', 'wasm', addKernel(addon.add.bind(addon)));
  if (addon.softmax) replaceKernel('Softmax', 'wasm', softmaxKernel(addon.softmax.bind(addon)));
  else restoreKernel('Softmax', 'wasm');
  if (addon.transpose) replaceKernel('Transpose', 'wasm', nativeTranspose(addon.transpose.bind(addon)));
  else restoreKernel('Transpose', 'wasm');
}

type AttentionAddon = Required<Pick<NativeAddon, 'attention' | 'attentionGrad' | 'attentionCached'>>;

/** Attention forward (z, P) and backward (dq, dk, dv), and with a KV cache (z and the new cache): native/src/attention.c. */
function attentionKernels(addon: AttentionAddon): Record<string, tf.KernelFunc> {
  return {
    [FUSED_KERNELS.attention]: (args) => {
      const { q, k, v, mask } = args.inputs as Inputs as Record<'q' | 'k' | 'v' | 'mask', tf.TensorInfo>;
      const { scale } = args.attrs as unknown as { scale: number };
      const [B, T, H, dh] = q.shape as [number, number, number, number];
      const b = asWasm(args.backend);
      const [z, p] = outputs(b, [[q.shape, 'float32'], [[B, H, T, T], 'float32']]);
      addon.attention(heap(b), memoryOffset(b, q), memoryOffset(b, k), memoryOffset(b, v), memoryOffset(b, mask), B, T, H, k.shape[2]!, dh,
        mask.shape[0]!, scale, memoryOffset(b, z!), memoryOffset(b, p!));
      return [z!, p!];
    },
    [FUSED_KERNELS.attentionGrad]: (args) => {
      const { q, k, v, p, dz } = args.inputs as Inputs as Record<'q' | 'k' | 'v' | 'p' | 'dz', tf.TensorInfo>;
      const { scale } = args.attrs as unknown as { scale: number };
      const [B, T, H, dh] = q.shape as [number, number, number, number];
      const b = asWasm(args.backend);
      const outs = outputs(b, [[q.shape, 'float32'], [k.shape, 'float32'], [v.shape, 'float32']]);
      const [dq, dk, dv] = outs.map((t) => memoryOffset(b, t)) as [number, number, number];
      addon.attentionGrad(heap(b), memoryOffset(b, q), memoryOffset(b, k), memoryOffset(b, v), memoryOffset(b, p), memoryOffset(b, dz),
        B, T, H, k.shape[2]!, dh, scale, dq, dk, dv);
      return outs;
    },
    [FUSED_KERNELS.attentionCached]: (args) => {
      const { q, k, v, mask, pastK, pastV } = args.inputs as Inputs as Record<'q' | 'k' | 'v' | 'mask', tf.TensorInfo> & { pastK?: tf.TensorInfo; pastV?: tf.TensorInfo };
      const { scale } = args.attrs as unknown as { scale: number };
      const [B, T, H, dh] = q.shape as [number, number, number, number];
      const hk = k.shape[2]!;
      const P = pastK ? pastK.shape[2]! : 0;
      const b = asWasm(args.backend);
      const outs = outputs(b, [[q.shape, 'float32'], [[B, hk, P + T, dh], 'float32'], [[B, hk, P + T, dh], 'float32']]);
      const [zo, ka, va] = outs.map((t) => memoryOffset(b, t)) as [number, number, number];
      addon.attentionCached(heap(b), memoryOffset(b, q), memoryOffset(b, k), memoryOffset(b, v), pastK ? memoryOffset(b, pastK) : 0,
        pastV ? memoryOffset(b, pastV) : 0, memoryOffset(b, mask), B, T, P, H, hk, dh, mask.shape[0]!, scale, zo, ka, va);
      return outs;
    },
  };
}

/**
 * Register the Editlab* fused kernels on wasm (kernels/fused.ts, kernels/attention.ts use them when present). The
 * attention kernels keep the bits of the composition they replace only next to the native Softmax and Sum, so they
 * are registered only with them (`withAttention`).
 */
export function registerFusedKernels(addon: NativeAddon, withAttention = true): void {
  const all = { ...geluKernels(addon), ...swigluKernels(addon), ...ropeKernels(addon), ...xentKernels(addon), ...normKernels(addon), [FUSED_KERNELS.adam]: adamKernel(addon) };
  const { attention, attentionGrad, attentionCached } = addon;
  const att: Record<string, tf.KernelFunc> = withAttention && attention && attentionGrad && attentionCached && addon.softmax
    ? attentionKernels({ attention: attention.bind(addon), attentionGrad: attentionGrad.bind(addon), attentionCached: attentionCached.bind(addon) })
    : {};
  // the block kernel runs the attention kernel's code and the norms', projections' and MLP's: registered with attention
  if (Object.keys(att).length && addon.blockCached) att[FUSED_KERNELS.blockCached] = blockCachedKernel(addon.blockCached.bind(addon));
  const grads = addon.sumSquares && addon.scaleAll
    ? gradsKernels({ sumSquares: addon.sumSquares.bind(addon), scaleAll: addon.scaleAll.bind(addon) }, withAttention) : {};
  for (const [name, kernelFunc] of Object.entries({ ...all, ...att, ...grads })) replaceKernel(name, 'wasm', kernelFunc);
  for (const name of [FUSED_KERNELS.attention, FUSED_KERNELS.attentionGrad, FUSED_KERNELS.attentionCached, FUSED_KERNELS.blockCached,
    FUSED_KERNELS.sumSquares, FUSED_KERNELS.scaleAll]) {
    if (!(name in att) && !(name in grads) && tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
  }
}

export function unregisterFusedKernels(): void {
  for (const name of Object.values(FUSED_KERNELS)) if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
}
