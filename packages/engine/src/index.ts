export { initBackend, backendInfo } from './backend/index';
export type { BackendInfo } from './backend/index';
export { BackendError, WasmHeapError, NativeKernelError } from './backend/errors';
export { registerWasmKernels } from './backend/register';
export type { MatMulPath, WasmKernelOptions, WasmKernelInfo } from './backend/register';
export { DEFAULT_WASM_HEAP_LIMIT, wasmHeapBytes } from './backend/heap-guard';
export { gelu, swiglu, layerNorm, rmsNorm, maskedCrossEntropy } from './kernels/ops';
export { adam, FusedAdamOptimizer } from './kernels/adam';
