// The engine's kernel patches for tfjs-backend-wasm 4.22, registered by one explicit call
// (initBackend does it; no import side effects): BatchMatMul routed to OpenBLAS or XNNPACK, zero-copy
// Identity/Cast, the heap guard. UnsortedSegmentSum is registered by initBackend for every backend.
import * as tf from '@tensorflow/tfjs';
import { NativeKernelError } from './errors';
import { FUSED_KERNELS } from '../kernels/names';
import { fusedMatMulComposed, fusedMatMulNative, linearNative } from './fused-matmul';
import { DEFAULT_WASM_HEAP_LIMIT, installHeapGuard } from './heap-guard';
import { nativeBatchMatMul } from './matmul-native';
import { gatherRows, sumLeadingJs } from './js-kernels';
import { registerIndexKernels } from './native-index';
import { registerFusedKernels, registerNativeReplacements, unregisterFusedKernels } from './native-kernels';
import { batchMatMulWrapper } from './matmul-wrapper';
import { blasThreads, eltwiseThreads, loadNativeAddon, nativeBuild, type NativeBuild } from './native';
import { castNoCopy, identityNoCopy } from './nocopy';
import { replaceKernel, restoreKernel } from './replace-kernel';
import { asWasm } from './wasm-internals';

/** Which BatchMatMul the wasm backend runs: native OpenBLAS, the JS XNNPACK-routing wrapper, or stock tfjs. */
export type MatMulPath = 'openblas' | 'xnnpack-wrapper' | 'stock';

export interface WasmKernelOptions {
  /** 'auto' (default): openblas when the addon is built, else the wrapper. */
  matmul?: 'auto' | MatMulPath;
  /** Zero-copy Identity / same-dtype Cast, row-copy GatherV2, and (without the addon) a JS leading-axis Sum
   * (default true). */
  noCopy?: boolean;
  /** Ceiling for live tensor bytes on the wasm heap (default ~3.75 GiB). */
  heapLimitBytes?: number;
  /** Native (OpenMP) Sum/Tanh/Exp/Softmax in place of the stock wasm kernels, when the addon is built (default true). */
  nativeElementwise?: boolean;
  /** Register the fused Editlab* kernels that kernels/ops.ts uses (GELU, norms, cross-entropy) (default true). */
  fused?: boolean;
  /** Threads of the native element-wise kernels (default 1, or EDITLAB_ELTWISE_THREADS). */
  eltwiseThreads?: number;
  /** OpenBLAS threads (default 2, or EDITLAB_BLAS_THREADS / OPENBLAS_NUM_THREADS). */
  blasThreads?: number;
}

export interface WasmKernelInfo {
  matmul: MatMulPath;
  blasThreads?: number;
  noCopy: boolean;
  heapLimitBytes: number;
  nativeElementwise: boolean;
  fused: boolean;
  /** Why the fast native path is not in use, when it is not. */
  fallbackReason?: string;
  /** The native addon's build, when the addon is loaded (whichever of its kernels are registered). */
  native?: NativeBuild;
}

function chooseMatMul(want: WasmKernelOptions['matmul'], threads: number): { kernel: tf.KernelFunc | undefined; info: Pick<WasmKernelInfo, 'matmul' | 'blasThreads' | 'fallbackReason'> } {
  if (want === 'stock') return { kernel: undefined, info: { matmul: 'stock' } };
  if (want === 'xnnpack-wrapper') return { kernel: batchMatMulWrapper, info: { matmul: 'xnnpack-wrapper' } };
  const { addon, reason } = loadNativeAddon();
  if (addon) {
    return { kernel: nativeBatchMatMul(addon), info: { matmul: 'openblas', blasThreads: threads } };
  }
  if (want === 'openblas') throw new NativeKernelError(`matmul 'openblas' requested but ${reason}`);
  return { kernel: batchMatMulWrapper, info: { matmul: 'xnnpack-wrapper', fallbackReason: reason } };
}

/** Register the engine's wasm kernels on the (already initialised) wasm backend. Idempotent. */
export function registerWasmKernels(opts: WasmKernelOptions = {}): WasmKernelInfo {
  if (tf.getBackend() !== 'wasm') throw new NativeKernelError(`registerWasmKernels: active backend is '${tf.getBackend()}', not 'wasm'`);
  const threads = opts.blasThreads ?? blasThreads();
  const { addon } = loadNativeAddon();
  addon?.setThreads(threads);
  addon?.setParThreads(opts.eltwiseThreads ?? eltwiseThreads());
  const { kernel, info } = chooseMatMul(opts.matmul ?? 'auto', threads);
  if (kernel) {
    replaceKernel('BatchMatMul', 'wasm', kernel);
    replaceKernel('_FusedMatMul', 'wasm', info.matmul === 'openblas' && addon ? fusedMatMulNative(addon) : fusedMatMulComposed);
  } else {
    restoreKernel('BatchMatMul', 'wasm');
    restoreKernel('_FusedMatMul', 'wasm');
  }
  const noCopy = opts.noCopy ?? true;
  if (noCopy) {
    replaceKernel('Identity', 'wasm', identityNoCopy);
    replaceKernel('Cast', 'wasm', castNoCopy);
    replaceKernel('GatherV2', 'wasm', gatherRows);
  } else {
    for (const k of ['Identity', 'Cast', 'GatherV2']) restoreKernel(k, 'wasm');
  }
  const nativeElementwise = addon !== undefined && (opts.nativeElementwise ?? true);
  if (addon && nativeElementwise) registerNativeReplacements(addon);
  else {
    for (const k of ['Tanh', 'Exp', 'Add', 'Softmax', 'Transpose']) restoreKernel(k, 'wasm');
    if (noCopy) replaceKernel('Sum', 'wasm', sumLeadingJs);
    else restoreKernel('Sum', 'wasm');
  }
  registerIndexKernels(addon && nativeElementwise ? addon : undefined);
  const fused = addon !== undefined && (opts.fused ?? true);
  // The attention kernels keep the composition's bits only where its products are OpenBLAS's and its softmax and
  // sums native (native-kernels.ts registerFusedKernels).
  if (addon && fused) registerFusedKernels(addon, nativeElementwise && info.matmul === 'openblas');
  else unregisterFusedKernels();
  if (addon && info.matmul === 'openblas') replaceKernel(FUSED_KERNELS.linear, 'wasm', linearNative(addon));
  else if (tf.getKernel(FUSED_KERNELS.linear, 'wasm')) tf.unregisterKernel(FUSED_KERNELS.linear, 'wasm');
  const heapLimitBytes = opts.heapLimitBytes ?? DEFAULT_WASM_HEAP_LIMIT;
  installHeapGuard(asWasm(tf.backend()), heapLimitBytes);
  return { ...info, noCopy, heapLimitBytes, nativeElementwise, fused, ...(addon ? { native: nativeBuild(addon) } : {}) };
}
