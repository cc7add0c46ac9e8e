// Shape analysis shared by the engine's BatchMatMul kernels (JS wrapper and native sgemm).
// tfjs semantics (tfjs-core ops/mat_mul.ts): a [...batchA, M, K] (or [..., K, M] when transposeA),
// b [...batchB, K, N] (or [..., N, K] when transposeB); batch dims broadcast; out [...batch, M, N].
import * as tf from '@tensorflow/tfjs';

export interface MatMulPlan {
  /** Rows of op(A), columns of op(B), shared inner dimension. */
  m: number;
  n: number;
  k: number;
  batchA: number;
  batchB: number;
  batch: number;
  transposeA: boolean;
  transposeB: boolean;
  outShape: number[];
}

export function planMatMul(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const ka = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (ka !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${ka}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} ` +
        `and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  const batch = tf.util.sizeFromShape(outer);
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) {
    // tfjs flattens the batch dims and indexes them modulo (batch_mat_mul_impl.cc); partial broadcasts
    // such as [2,1]×[1,3] are not expressible as one flattened stride. The model never produces them.
    throw new Error(`matMul: batch dims ${outerA} and ${outerB} broadcast only partially; reshape first`);
  }
  return { m, n, k: ka, batchA, batchB, batch, transposeA, transposeB, outShape: [...outer, m, n] };
}

/**
 * docs/engine-backend.md §2: tiny decode-time products (one query row, M·N·K small) are faster on the
 * stock loop than through any per-call setup (operator creation, transposes, N-API crossing).
 */
export function isTiny(p: MatMulPlan): boolean {
  return p.m < 4 || p.m * p.n * p.k < 8192;
}
