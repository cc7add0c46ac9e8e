// Transpose on wasm as one native blocked copy (native/src/transpose.c) for the permutations the engine makes: a
// 2-D transpose, [N, H, dh] → [H, N, dh], [B, T, H, dh] → [B, H, T, dh] and their inverses. A permutation is first
// reduced — axes of size 1 dropped, input axes that stay adjacent merged — to x [B, R, C, I] → y [B, C, R, I];
// anything else, and dtypes other than float32/int32, takes the stock kernel. A copy moves no bits.
import * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from './native';
import { stockKernel } from './replace-kernel';
import { asWasm, memoryOffset } from './wasm-internals';

/** [B, R, C, I] of a transpose that swaps two adjacent blocks of axes, or undefined for any other permutation. */
export function transposeBlocks(shape: readonly number[], perm: readonly number[]): [number, number, number, number] | undefined {
  // the input axes of size > 1, numbered 0.. in input order (a size-1 axis never separates two others in memory)
  const big = shape.map((_, a) => a).filter((a) => shape[a]! > 1);
  const p = perm.filter((a) => shape[a]! > 1).map((a) => big.indexOf(a));
  // runs of input axes that stay adjacent and in order in the output: each moves as one block
  const runs: number[][] = [];
  for (const a of p) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1]! + 1 === a) last.push(a);
    else runs.push([a]);
  }
  const inputOrder = [...runs].sort((r1, r2) => r1[0]! - r2[0]!);
  const sizes = inputOrder.map((run) => run.reduce((n, a) => n * shape[big[a]!]!, 1));
  const q = runs.map((run) => inputOrder.indexOf(run)); // output block j is input block q[j]
  const is = (...want: number[]) => want.length === q.length && want.every((v, i) => v === q[i]);
  const [s0 = 1, s1 = 1, s2 = 1, s3 = 1] = sizes;
  if (q.length <= 1) return [1, 1, 1, s0];
  if (is(1, 0)) return [1, s0, s1, 1];
  if (is(0, 2, 1)) return [s0, s1, s2, 1];
  if (is(1, 0, 2)) return [1, s0, s1, s2];
  if (is(0, 2, 1, 3)) return [s0, s1, s2, s3];
  return undefined;
}

export function nativeTranspose(transpose: NonNullable<NativeAddon['transpose']>): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const blocks = x.dtype === 'float32' || x.dtype === 'int32' ? transposeBlocks(x.shape, perm) : undefined;
    if (!blocks) return stockKernel('Transpose', 'wasm').kernelFunc(args);
    const b = asWasm(args.backend);
    const y = b.makeOutput(perm.map((a) => x.shape[a]!), x.dtype);
    // offsets after the allocation: it may grow (and move) the heap
    transpose(b.wasm.HEAPU8.buffer as ArrayBuffer, memoryOffset(b, x), memoryOffset(b, y), ...blocks);
    return y;
  };
}
