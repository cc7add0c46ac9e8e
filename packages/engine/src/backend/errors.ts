// Errors raised by backend selection and the engine's custom kernels. Each has a stable `code`.

/** Backend selection / initialisation failed (unknown EDITLAB_BACKEND, missing package). */
export class BackendError extends Error {
  readonly code: string = 'ENGINE_BACKEND';
  override readonly name: string = 'BackendError';
}

/**
 * The wasm32 heap cannot hold the next allocation. tfjs-backend-wasm 4.22's malloc fails silently
 * past ~3.9 GiB (returns offset 0 and the next write corrupts the heap; docs/engine-backend.md §7), so the
 * engine checks every allocation against a ceiling and throws this instead.
 */
export class WasmHeapError extends Error {
  readonly code: string = 'ENGINE_WASM_HEAP';
  override readonly name: string = 'WasmHeapError';
  constructor(
    readonly requestedBytes: number,
    readonly liveBytes: number,
    readonly limitBytes: number,
    detail: string,
  ) {
    super(
      `wasm heap exhausted: ${detail} (requested ${mib(requestedBytes)}, live tensors ${mib(liveBytes)}, ` +
        `limit ${mib(limitBytes)}). The wasm backend is a 32-bit heap capped near 3.9 GiB: use a smaller ` +
        `batch or sequence length, gradient accumulation, or a native backend (EDITLAB_BACKEND=tensorflow).`,
    );
  }
}

/** The optional native OpenBLAS addon was requested explicitly but is not built or failed to load. */
export class NativeKernelError extends Error {
  readonly code: string = 'ENGINE_NATIVE_KERNEL';
  override readonly name: string = 'NativeKernelError';
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
