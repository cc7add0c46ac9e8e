// EditlabBlockCached: one transformer block of a pass with a KV cache, forward only, as one native call
// (native/src/block.c). kernels/block.ts builds its inputs; the Float64Array below mirrors addon_block.c's BLOCK_*.
import * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from './native';
import { asWasm, memoryOffset } from './wasm-internals';

/** Tensor inputs in addon_block.c's order (after the 12 dimensions); optional ones may be absent. */
const OPERANDS = ['x', 'ln1w', 'ln1b', 'wq', 'bq', 'wk', 'bk', 'wv', 'bv', 'wo', 'bo', 'ln2w', 'ln2b', 'win', 'bin', 'wgate', 'wout', 'bout',
  'pastK', 'pastV', 'mask', 'cos', 'sin'] as const;

export interface BlockAttrs {
  llama: number;
  B: number;
  T: number;
  H: number;
  Hkv: number;
  dh: number;
  m: number;
  eps: number;
  scale: number;
}

export function blockCachedKernel(blockCached: NonNullable<NativeAddon['blockCached']>): tf.KernelFunc {
  return (args) => {
    const ins = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const s = args.attrs as unknown as BlockAttrs;
    const x = ins['x']!;
    const mask = ins['mask']!;
    const d = x.shape[1]!;
    const P = ins['pastK'] ? ins['pastK'].shape[2]! : 0;
    const b = asWasm(args.backend);
    // outputs first: an allocation may grow (and move) the heap
    const out = b.makeOutput(x.shape, 'float32');
    const ka = b.makeOutput([s.B, s.Hkv, P + s.T, s.dh], 'float32');
    const va = b.makeOutput([s.B, s.Hkv, P + s.T, s.dh], 'float32');
    const off = (t: tf.TensorInfo | undefined) => (t ? memoryOffset(b, t) : -1);
    const params = new Float64Array([s.llama, s.B, s.T, P, d, s.H, s.Hkv, s.dh, s.m, mask.shape[0]!, s.eps, s.scale,
      ...OPERANDS.map((name) => off(ins[name])), off(out), off(ka), off(va)]);
    blockCached(b.wasm.HEAPU8.buffer as ArrayBuffer, params);
    return [out, ka, va];
  };
}
