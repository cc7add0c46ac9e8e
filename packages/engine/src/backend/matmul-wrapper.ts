// BatchMatMul for wasm that sends every shape to XNNPACK (docs/engine-backend.md §2). Stock tfjs-backend-wasm
// 4.22 takes XNNPACK (~19 GFLOP/s) only for batch 1 without transposes; everything else -- all matmul
// gradients, attention, a tied LM head -- runs a naive loop at ~0.7-1 GFLOP/s.
// Here: batch-1 right operands are folded into one 2-D product ([B·M, K]·[K, N]); transposed operands
// are materialised with wasm's fast rank-≤4 Transpose; batched products run one XNNPACK call per batch
// on zero-copy views of the operands and the output; tiny decode-time products stay on the stock loop.
import * as tf from '@tensorflow/tfjs';
import { isTiny, planMatMul, type MatMulPlan } from './matmul-shape';
import { stockKernel } from './replace-kernel';
import { asWasm, F32_BYTES, makeView, memoryOffset, releaseView, reshapeInfo, type WasmBackend } from './wasm-internals';

type CwrapBatchMatMul = (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array,
  bRank: number, transposeA: boolean, transposeB: boolean, outId: number) => void;

const cwrapped = new WeakMap<object, CwrapBatchMatMul>();

function xnnMatMul(b: WasmBackend): CwrapBatchMatMul {
  let f = cwrapped.get(b.wasm);
  if (!f) {
    f = b.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']) as CwrapBatchMatMul;
    cwrapped.set(b.wasm, f);
  }
  return f;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

function idOf(b: WasmBackend, t: tf.TensorInfo): number {
  return b.dataIdMap.get(t.dataId)!.id;
}

/** [rows, cols] → [cols, rows] (per batch), a real copy through wasm's fast Transpose kernel. */
function transposeLast2(b: WasmBackend, backend: tf.KernelBackend, t: tf.TensorInfo, batch: number, rows: number, cols: number): tf.TensorInfo {
  const x = reshapeInfo(b, t, [batch, rows, cols]);
  const out = stockKernel('Transpose', 'wasm').kernelFunc({ inputs: { x }, backend, attrs: { perm: [0, 2, 1] } }) as tf.TensorInfo;
  b.disposeData(x.dataId);
  return out;
}

/** One XNNPACK product out[M,N] = A[M,K]·B[K,N] on views at the given byte offsets. */
function xnnProduct(b: WasmBackend, aOff: number, bOff: number, outOff: number, m: number, n: number, k: number): void {
  const av = makeView(b, [1, m, k], aOff);
  const bv = makeView(b, [1, k, n], bOff);
  const ov = makeView(b, [1, m, n], outOff);
  xnnMatMul(b)(idOf(b, av), shapeBytes([1, m, k]), 3, idOf(b, bv), shapeBytes([1, k, n]), 3, false, false, idOf(b, ov));
  releaseView(b, av);
  releaseView(b, bv);
  releaseView(b, ov);
}

export function wrapperMatMul(b: WasmBackend, backend: tf.KernelBackend, a: tf.TensorInfo, bt: tf.TensorInfo, p: MatMulPlan): tf.TensorInfo {
  const { m, n, k, batchA, batchB, batch } = p;
  // Materialise op(A) as [batchA, M, K] and op(B) as [batchB, K, N], contiguous, no transposes left.
  const aN = p.transposeA ? transposeLast2(b, backend, a, batchA, k, m) : reshapeInfo(b, a, [batchA, m, k]);
  const bN = p.transposeB ? transposeLast2(b, backend, bt, batchB, n, k) : reshapeInfo(b, bt, [batchB, k, n]);
  const out = b.makeOutput([batch, m, n], 'float32');
  const aBase = memoryOffset(b, aN);
  const bBase = memoryOffset(b, bN);
  const oBase = memoryOffset(b, out);
  if (batchB === 1 && batchA === batch) {
    // Fold the batch into rows: [B·M, K]·[K, N] is one product with a shared right operand.
    xnnProduct(b, aBase, bBase, oBase, batch * m, n, k);
  } else {
    for (let i = 0; i < batch; i++) {
      const ai = batchA === 1 ? 0 : i;
      const bi = batchB === 1 ? 0 : i;
      xnnProduct(b, aBase + ai * m * k * F32_BYTES, bBase + bi * k * n * F32_BYTES, oBase + i * m * n * F32_BYTES, m, n, k);
    }
  }
  b.disposeData(aN.dataId);
  b.disposeData(bN.dataId);
  return { dataId: out.dataId, shape: p.outShape, dtype: 'float32' };
}

/** KernelFunc for 'BatchMatMul' on wasm: the XNNPACK-routing wrapper. */
export const batchMatMulWrapper: tf.KernelFunc = (args) => {
  const { a, b: bt } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const p = planMatMul(a, bt, transposeA, transposeB);
  const stock = stockKernel('BatchMatMul', 'wasm').kernelFunc;
  if (a.dtype !== 'float32' || bt.dtype !== 'float32' || isTiny(p) || (p.batch === 1 && !transposeA && !transposeB)) {
    return stock(args);
  }
  return wrapperMatMul(asWasm(args.backend), args.backend as tf.KernelBackend, a, bt, p);
};
