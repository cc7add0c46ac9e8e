// Guard for the wasm32 heap ceiling. tfjs-backend-wasm 4.22 allocates every tensor through
// `backend.wasm._malloc` (backend_wasm.js `move`, reached from write/makeOutput); past ~3.9 GiB that
// malloc returns 0 without an error and the following HEAPU8.set corrupts the start of the heap
// (docs/engine-backend.md §7, measured failure at a 4,261,543,936-byte heap). The guard wraps `_malloc` on the
// backend's module: it refuses an allocation that would push live tensor bytes past the limit, and turns
// a 0 offset from malloc (heap fragmentation or the hard ceiling) into a WasmHeapError.
import * as tf from '@tensorflow/tfjs';
import { WasmHeapError } from './errors';
import type { WasmBackend } from './wasm-internals';

/** Default ceiling: the wasm32 maximum (4 GiB) less 256 MiB for the module's own data and XNNPACK scratch. */
export const DEFAULT_WASM_HEAP_LIMIT = 4 * 2 ** 30 - 256 * 2 ** 20;

interface Guarded {
  limit: number;
  original: (bytes: number) => number;
}

const guards = new WeakMap<object, Guarded>();

function liveBytes(): number {
  return (tf.engine().state as unknown as { numBytes: number }).numBytes;
}

/**
 * Install (or re-configure) the guard on a wasm backend. `limitBytes` caps live tensor bytes plus the
 * requested allocation; tests pass a small artificial limit.
 */
export function installHeapGuard(b: WasmBackend, limitBytes: number = DEFAULT_WASM_HEAP_LIMIT): void {
  const existing = guards.get(b.wasm);
  if (existing) {
    existing.limit = limitBytes;
    return;
  }
  // Emscripten binds `_malloc` lazily: its first call overwrites Module._malloc with the raw export, which
  // would silently remove a wrapper. Wrap the raw export (Module.asm.malloc) instead.
  const raw = (b.wasm as unknown as { asm?: { malloc?: (n: number) => number } }).asm?.malloc;
  const g: Guarded = { limit: limitBytes, original: raw ?? b.wasm._malloc.bind(b.wasm) };
  guards.set(b.wasm, g);
  b.wasm._malloc = (bytes: number): number => {
    const live = liveBytes();
    if (bytes > 0 && live + bytes > g.limit) {
      throw new WasmHeapError(bytes, live, g.limit, 'allocation would exceed the configured wasm heap limit');
    }
    const offset = g.original(bytes);
    if (bytes > 0 && offset === 0) {
      throw new WasmHeapError(bytes, live, g.limit, 'wasm malloc failed (returned 0)');
    }
    return offset;
  };
}

/** The current limit, or undefined when no guard is installed on this backend. */
export function heapGuardLimit(b: WasmBackend): number | undefined {
  return guards.get(b.wasm)?.limit;
}

/** Bytes of the wasm linear memory (grows, never shrinks). */
export function wasmHeapBytes(b: WasmBackend): number {
  return b.wasm.HEAPU8.buffer.byteLength;
}
