// BatchMatMul for wasm backed by native OpenBLAS sgemm, computed in place on the wasm heap
// (docs/engine-backend.md §6: relative error 1.9e-7 against the stock kernel, 143-192 GFLOP/s at 1024³ vs 19 for
// XNNPACK). Transposes are handled by sgemm's lda/ldb; batched and broadcast-batch products by strides.
// The gradient of BatchMatMul is itself BatchMatMul with transpose flags (tfjs-core
// gradients/BatchMatMul_grad.ts), so forward and backward both land here.
import * as tf from '@tensorflow/tfjs';
import { planMatMul } from './matmul-shape';
import type { NativeAddon } from './native';
import { stockKernel } from './replace-kernel';
import { asWasm, memoryOffset } from './wasm-internals';

/** Products smaller than this (M·N·K) go to the stock loop: a native call costs ~1 µs of N-API crossing. */
export const NATIVE_MIN_WORK = 512;

/** out = op(A)·op(B) (+ bias [n] on every row) by sgemm on the wasm heap; undefined when the product is
 * not for this kernel (non-float32, or so small that the stock loop is cheaper). */
export function nativeMatMulInto(addon: NativeAddon, backend: unknown, a: tf.TensorInfo, bt: tf.TensorInfo,
  transposeA: boolean, transposeB: boolean, bias?: tf.TensorInfo): tf.TensorInfo | undefined {
  const p = planMatMul(a, bt, transposeA, transposeB);
  if (a.dtype !== 'float32' || bt.dtype !== 'float32' || p.m * p.n * p.k < NATIVE_MIN_WORK) return undefined;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== p.n)) return undefined;
  const b = asWasm(backend);
  const out = b.makeOutput(p.outShape, 'float32');
  // Offsets are read after the output allocation: malloc may have grown (and detached) the heap.
  const heap = b.wasm.HEAPU8.buffer as ArrayBuffer;
  addon.sgemmBatched(heap, transposeA, transposeB, p.m, p.n, p.k, p.batch,
    memoryOffset(b, a), p.batchA === 1 ? 0 : p.m * p.k,
    memoryOffset(b, bt), p.batchB === 1 ? 0 : p.k * p.n,
    memoryOffset(b, out), p.m * p.n, bias ? memoryOffset(b, bias) : -1);
  return out;
}

export function nativeBatchMatMul(addon: NativeAddon): tf.KernelFunc {
  return (args) => {
    const { a, b: bt } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    return nativeMatMulInto(addon, args.backend, a, bt, transposeA, transposeB) ?? stockKernel('BatchMatMul', 'wasm').kernelFunc(args);
  };
}
