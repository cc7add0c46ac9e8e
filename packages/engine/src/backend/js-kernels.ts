// wasm kernels written in JS directly on the heap (no addon needed), for layouts where the stock kernel does
// far more work than the operation needs.
import * as tf from '@tensorflow/tfjs';
import { stockKernel } from './replace-kernel';
import { asWasm } from './wasm-internals';

type Inputs = Record<string, tf.TensorInfo>;

/** GatherV2 along axis 0 with int32 indices (embedding lookups): one memmove per row instead of
 * per-element index arithmetic. Other layouts: stock. Pure JS on the heap, so no addon needed. */
export const gatherRows: tf.KernelFunc = (args) => {
  const { x, indices } = args.inputs as Inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
  const ax = tf.util.parseAxisParam(axis, x.shape)[0];
  if (ax !== 0 || (batchDims ?? 0) !== 0 || indices.dtype !== 'int32' || x.shape.length < 1) {
    return stockKernel('GatherV2', 'wasm').kernelFunc(args);
  }
  const b = asWasm(args.backend);
  const rows = x.shape[0]!;
  const inner = tf.util.sizeFromShape(x.shape.slice(1));
  const y = b.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  const ids = b.typedArrayFromHeap(indices) as Int32Array;
  const src = b.typedArrayFromHeap(x);
  const dst = b.typedArrayFromHeap(y);
  for (let i = 0; i < ids.length; i++) {
    const r = ids[i]!;
    if (r < 0 || r >= rows) {
      b.disposeData(y.dataId);
      throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
    }
    dst.set(src.subarray(r * inner, (r + 1) * inner), i * inner);
  }
  return y;
};

/** Sum over the leading axes of a float32 tensor (bias gradients) as a row-accumulation loop: the stock
 * kernel transposes first (2.2 ms for a [1536,256] bias gradient, bench/profile.ts). Used when the native
 * Sum is not available; other reductions go to the stock kernel. */
export const sumLeadingJs: tf.KernelFunc = (args) => {
  const { x } = args.inputs as Inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const r = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  const k = axes.length;
  if (x.dtype !== 'float32' || k === 0 || k >= r || !axes.every((a, i) => a === i)) return stockKernel('Sum', 'wasm').kernelFunc(args);
  const outer = tf.util.sizeFromShape(x.shape.slice(0, k));
  const inner = tf.util.sizeFromShape(x.shape.slice(k));
  const b = asWasm(args.backend);
  const y = b.makeOutput(keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k), 'float32');
  const src = b.typedArrayFromHeap(x) as Float32Array;
  const dst = b.typedArrayFromHeap(y) as Float32Array;
  dst.fill(0);
  for (let i = 0; i < outer; i++) {
    const base = i * inner;
    for (let j = 0; j < inner; j++) dst[j]! += src[base + j]!;
  }
  return y;
};
