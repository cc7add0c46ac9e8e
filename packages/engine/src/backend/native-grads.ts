// EditlabSumSquares and EditlabScaleAll: clipping by global norm over a list of gradients in two native calls
// (native/src/grads.c) instead of Square + Sum per gradient and a Multiply per gradient (kernels/grads.ts).
import * as tf from '@tensorflow/tfjs';
import { FUSED_KERNELS } from '../kernels/names';
import type { NativeAddon } from './native';
import { asWasm, memoryOffset } from './wasm-internals';

type GradsAddon = Required<Pick<NativeAddon, 'sumSquares' | 'scaleAll'>>;

/** The kernels' inputs in order: g0, g1, … (kernels/grads.ts names them so). */
const listed = (inputs: tf.NamedTensorInfoMap) => Object.keys(inputs).map((_, i) => inputs[`g${i}`]!);

export function gradsKernels(addon: GradsAddon, withSum: boolean): Record<string, tf.KernelFunc> {
  const scale: tf.KernelFunc = (args) => {
    const xs = listed(args.inputs);
    const { scale: s } = args.attrs as unknown as { scale: number };
    const b = asWasm(args.backend);
    const ys = xs.map((x) => b.makeOutput(x.shape, 'float32')); // outputs first: an allocation may move the heap
    addon.scaleAll(b.wasm.HEAPU8.buffer as ArrayBuffer, new Float64Array(xs.map((x) => memoryOffset(b, x))),
      new Float64Array(ys.map((y) => memoryOffset(b, y))), new Float64Array(xs.map((x) => tf.util.sizeFromShape(x.shape))), s);
    return ys;
  };
  const sum: tf.KernelFunc = (args) => {
    const gs = listed(args.inputs);
    const b = asWasm(args.backend);
    const out = b.makeOutput([gs.length], 'float32');
    addon.sumSquares(b.wasm.HEAPU8.buffer as ArrayBuffer, new Float64Array(gs.map((g) => memoryOffset(b, g))),
      new Float64Array(gs.map((g) => tf.util.sizeFromShape(g.shape))), memoryOffset(b, out));
    return out;
  };
  // Σ g² keeps the composition's bits only next to the native Sum kernel (el_sum_row's order): registered with it.
  return { [FUSED_KERNELS.scaleAll]: scale, ...(withSum ? { [FUSED_KERNELS.sumSquares]: sum } : {}) };
}
