// Backend selection. Default: @tensorflow/tfjs + the wasm backend (tfjs-node cannot install here).
// A user who has @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node installed gets it automatically;
// EDITLAB_BACKEND=wasm|tensorflow|cpu overrides. The chosen backend is reported to the caller.
// On wasm, initBackend registers the engine's kernels (register.ts): BatchMatMul on native OpenBLAS when
// the optional addon is built, else the JS XNNPACK wrapper; zero-copy Identity/Cast; the heap guard.
// EDITLAB_MATMUL=openblas|xnnpack-wrapper|stock and EDITLAB_WASM_HEAP_LIMIT (bytes) override.
import * as tf from '@tensorflow/tfjs';
import { BackendError } from './errors';

export { BackendError } from './errors';
import { registerWasmKernels, type MatMulPath, type WasmKernelInfo } from './register';
import { registerSegmentSum } from './segment-sum';

export interface BackendInfo {
  /** tfjs backend name: 'wasm', 'tensorflow' (tfjs-node / tfjs-node-gpu) or 'cpu'. */
  name: string;
  /** Which package provides it, e.g. '@tensorflow/tfjs-backend-wasm'. */
  provider: string;
  tfjsVersion: string;
  /** Matmul path: on wasm the engine's choice; 'backend' means the backend's own kernel (tensorflow, cpu). */
  matmul: MatMulPath | 'backend';
  /** wasm only: the engine's kernel registration (threads, zero-copy, heap limit, fallback reason). */
  wasmKernels?: WasmKernelInfo;
}

let current: BackendInfo | undefined;
let warnedFallback = false;

async function tryImport(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

function matmulFromEnv(env: NodeJS.ProcessEnv): 'auto' | MatMulPath {
  const v = env['EDITLAB_MATMUL'];
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === 'openblas' || v === 'xnnpack-wrapper' || v === 'stock') return v;
  throw new BackendError(`unknown EDITLAB_MATMUL '${v}' (allowed: auto, openblas, xnnpack-wrapper, stock)`);
}

function heapLimitFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const v = env['EDITLAB_WASM_HEAP_LIMIT'];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new BackendError(`EDITLAB_WASM_HEAP_LIMIT must be a positive number of bytes, got '${v}'`);
  return n;
}

/** Initialise the tfjs backend once per process and return what was chosen. */
export async function initBackend(requested: string | undefined = process.env['EDITLAB_BACKEND']): Promise<BackendInfo> {
  if (current && (!requested || requested === current.name)) return current;
  let provider = '';
  let name = requested;
  if (!name || name === 'tensorflow') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      if (await tryImport(pkg)) { name = 'tensorflow'; provider = pkg; break; }
    }
    if (requested === 'tensorflow' && !provider) throw new BackendError("EDITLAB_BACKEND=tensorflow but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed");
  }
  if (!name || name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    name = 'wasm';
    provider = '@tensorflow/tfjs-backend-wasm';
  }
  if (name === 'cpu') provider = '@tensorflow/tfjs-backend-cpu';
  if (!provider) throw new BackendError(`unknown EDITLAB_BACKEND '${requested}' (allowed: wasm, tensorflow, cpu)`);
  registerSegmentSum(name);
  const ok = await tf.setBackend(name);
  if (!ok) throw new BackendError(`could not initialise tfjs backend '${name}'`);
  await tf.ready();
  const info: BackendInfo = { name, provider, tfjsVersion: tf.version.tfjs, matmul: 'backend' };
  if (name === 'wasm') {
    // Kernels are replaced after setBackend: the stock kernels' setup functions have run by then.
    const wasmKernels = registerWasmKernels({ matmul: matmulFromEnv(process.env), heapLimitBytes: heapLimitFromEnv(process.env) });
    info.matmul = wasmKernels.matmul;
    info.wasmKernels = wasmKernels;
    if (wasmKernels.fallbackReason && !warnedFallback) {
      warnedFallback = true;
      console.warn(`editlab: ${wasmKernels.fallbackReason}; matmul falls back to the JS XNNPACK wrapper (slower).`);
    }
  }
  current = info;
  return current;
}

export function backendInfo(): BackendInfo | undefined {
  return current;
}
