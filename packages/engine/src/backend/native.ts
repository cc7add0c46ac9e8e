// Loader for the optional native addon (packages/engine/native, built at install time when
// libopenblas-dev is present). Absent or unloadable → undefined plus the reason; never throws.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface NativeAddon {
  /** Row-major batched sgemm on one ArrayBuffer: offsets in bytes, batch strides in elements (0 = broadcast). */
  sgemmBatched(heap: ArrayBuffer, transA: boolean, transB: boolean, m: number, n: number, k: number, batch: number,
    aOff: number, strideA: number, bOff: number, strideB: number, cOff: number, strideC: number): void;
  setThreads(n: number): void;
  getThreads(): number;
  blasConfig(): string;
}

export const NATIVE_ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/editlab_blas.node', import.meta.url));

let cached: { addon?: NativeAddon; reason?: string } | undefined;

/** Load the addon once per process. `reason` says why it is unavailable. */
export function loadNativeAddon(): { addon?: NativeAddon; reason?: string } {
  if (cached) return cached;
  if (!existsSync(NATIVE_ADDON_PATH)) {
    cached = { reason: 'native addon not built (apt-get install -y libopenblas-dev, then npm run build:native -w @editlab/engine)' };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddon;
    cached = { addon };
  } catch (e) {
    cached = { reason: `native addon failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
  return cached;
}

/**
 * OpenBLAS threads: 2 by default (the development machines have 2 cores), EDITLAB_BLAS_THREADS or
 * OPENBLAS_NUM_THREADS override. OpenBLAS workers spin while waiting, so on a shared box use 1.
 */
export function blasThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['EDITLAB_BLAS_THREADS'] ?? env['OPENBLAS_NUM_THREADS'];
  const n = raw === undefined ? 2 : Number.parseInt(raw, 10);
  return Number.isFinite(n) && n >= 1 ? n : 2;
}
