// ArgMax over the last axis and UnsortedSegmentSum as native kernels (native/src/index.c) on the wasm heap. ArgMax is
// a greedy decode step's last kernel ([B, V] logits; stock: a scalar wasm loop, ~38 µs at [8, 2048]); the segment sum
// is every embedding's gradient (stock wasm has none: backend/segment-sum.ts's JS loop, ~2 ms of a default model's
// pretraining step). Same results as the kernels they replace (backend/native-index.spec.ts); anything they do not
// handle (other axes or dtypes, empty inputs) goes to those kernels.
import * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from './native';
import { replaceKernel, restoreKernel, stockKernel } from './replace-kernel';
import { asWasm, memoryOffset } from './wasm-internals';

type IndexAddon = Required<Pick<NativeAddon, 'argMax' | 'segmentSum'>>;

function argMaxKernel(addon: IndexAddon): tf.KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis } = args.attrs as unknown as { axis: number | number[] };
    const rank = x.shape.length;
    const a = Array.isArray(axis) ? axis : [axis];
    const n = x.shape[rank - 1] ?? 0;
    const last = a.length === 1 && (a[0]! < 0 ? a[0]! + rank : a[0]!) === rank - 1;
    if (x.dtype !== 'float32' || rank === 0 || !last || n === 0) return stockKernel('ArgMax', 'wasm').kernelFunc(args);
    const b = asWasm(args.backend);
    const out = b.makeOutput(x.shape.slice(0, -1), 'int32');
    addon.argMax(b.wasm.HEAPU8.buffer as ArrayBuffer, memoryOffset(b, x), memoryOffset(b, out), tf.util.sizeFromShape(x.shape) / n, n);
    return out;
  };
}

function segmentSumKernel(addon: IndexAddon): tf.KernelFunc {
  return (args) => {
    const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = args.attrs as unknown as { numSegments: number };
    const count = segmentIds.shape.reduce((p, c) => p * c, 1);
    if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32' || x.shape[0] !== count || segmentIds.shape.length !== 1) {
      return stockKernel('UnsortedSegmentSum', 'wasm').kernelFunc(args);
    }
    const inner = x.shape.slice(1).reduce((p, c) => p * c, 1);
    const b = asWasm(args.backend);
    const out = b.makeOutput([numSegments, ...x.shape.slice(1)], 'float32');
    addon.segmentSum(b.wasm.HEAPU8.buffer as ArrayBuffer, memoryOffset(b, x), memoryOffset(b, segmentIds), memoryOffset(b, out), count, inner,
      numSegments);
    return out;
  };
}

/** Native ArgMax and UnsortedSegmentSum on wasm where the addon has them; else the kernels registered before. */
export function registerIndexKernels(addon: NativeAddon | undefined): void {
  if (addon?.argMax && addon.segmentSum) {
    const a = { argMax: addon.argMax.bind(addon), segmentSum: addon.segmentSum.bind(addon) };
    replaceKernel('ArgMax', 'wasm', argMaxKernel(a));
    replaceKernel('UnsortedSegmentSum', 'wasm', segmentSumKernel(a));
  } else {
    restoreKernel('ArgMax', 'wasm');
    restoreKernel('UnsortedSegmentSum', 'wasm');
  }
}
