// Loader for the optional native addon (packages/engine/native, built at install time when
// libopenblas-dev is present). Absent or unloadable → undefined plus the reason; never throws.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface NativeAddon {
  /** Row-major batched sgemm on one ArrayBuffer: offsets in bytes, batch strides in elements (0 = broadcast);
   * biasOff ≥ 0 adds a bias [n] to every row (−1: none). */
  sgemmBatched(heap: ArrayBuffer, transA: boolean, transB: boolean, m: number, n: number, k: number, batch: number,
    aOff: number, strideA: number, bOff: number, strideB: number, cOff: number, strideC: number, biasOff: number): void;
  /** op 0 tanh, 1 exp: y[i] = f(x[i]) over n floats. */
  unary(heap: ArrayBuffer, op: number, xOff: number, yOff: number, n: number): void;
  /** Softmax over each row of n floats, with the bits of tfjs-backend-wasm's (XNNPACK's) Softmax (native/src/softmax.c);
   * absent in builds before it existed. */
  softmax?(heap: ArrayBuffer, xOff: number, yOff: number, rows: number, n: number): void;
  /** x [B, R, C, I] → y [B, C, R, I], 4-byte elements (native/src/transpose.c); absent in builds before it existed. */
  transpose?(heap: ArrayBuffer, xOff: number, yOff: number, B: number, R: number, C: number, I: number): void;
  /** Causal attention without a cache (native/src/attention.c): q, z [B, T, H, dh], k, v [B, T, Hkv, dh], mask [maskB, 1, T, T],
   * P [B, H, T, T]; the bits of the engine's tfjs composition. Absent in builds before it existed. */
  attention?(heap: ArrayBuffer, qOff: number, kOff: number, vOff: number, maskOff: number, B: number, T: number, H: number, Hkv: number,
    dh: number, maskB: number, scale: number, zOff: number, pOff: number): void;
  attentionGrad?(heap: ArrayBuffer, qOff: number, kOff: number, vOff: number, pOff: number, dzOff: number, B: number, T: number, H: number,
    Hkv: number, dh: number, scale: number, dqOff: number, dkOff: number, dvOff: number): void;
  /** Attention of a pass with a KV cache, forward only (native/src/attention.c): q, z [B, T, H, dh], k, v [B, T, Hkv, dh], the
   * cache pk, pv [B, Hkv, P, dh] (P = 0: none), mask [maskB, 1, T, P+T]; writes the new cache ka, va [B, Hkv, P+T, dh]. */
  attentionCached?(heap: ArrayBuffer, qOff: number, kOff: number, vOff: number, pkOff: number, pvOff: number, maskOff: number, B: number,
    T: number, P: number, H: number, Hkv: number, dh: number, maskB: number, scale: number, zOff: number, kaOff: number, vaOff: number): void;
  /** One transformer block of a pass with a KV cache (native/src/block.c); params: dimensions and heap offsets in
   * addon_block.c's order (backend/native-block.ts). Absent in builds before it existed. */
  blockCached?(heap: ArrayBuffer, params: Float64Array): void;
  /** out[r] (int32) = index of the first largest of row r of x [rows, n] (tfjs's ArgMax rule; native/src/index.c). */
  argMax?(heap: ArrayBuffer, xOff: number, outOff: number, rows: number, n: number): void;
  /** out [segments, inner] = Σ of x's rows [count, inner] by int32 ids [count] (UnsortedSegmentSum; native/src/index.c). */
  /** out[t] = Σ g_t² for the float32 tensors at byte offsets offs[t] of sizes[t] elements (native/src/grads.c). */
  sumSquares?(heap: ArrayBuffer, offs: Float64Array, sizes: Float64Array, outOff: number): void;
  /** y_t = x_t · float32(s) for each tensor (native/src/grads.c). */
  scaleAll?(heap: ArrayBuffer, xOffs: Float64Array, yOffs: Float64Array, sizes: Float64Array, s: number): void;
  segmentSum?(heap: ArrayBuffer, xOff: number, idsOff: number, outOff: number, count: number, inner: number, segments: number): void;
  /** GELU y; with tOff ≥ 0 also its tanh t (the training form: the gradient reads t instead of recomputing it). */
  gelu(heap: ArrayBuffer, xOff: number, yOff: number, tOff: number, n: number): void;
  /** GELU's gradient; tOff −1 recomputes the tanh. */
  geluGrad(heap: ArrayBuffer, xOff: number, tOff: number, dyOff: number, dxOff: number, n: number): void;
  swiglu(heap: ArrayBuffer, gOff: number, uOff: number, yOff: number, n: number): void;
  swigluGrad(heap: ArrayBuffer, gOff: number, uOff: number, dyOff: number, dgOff: number, duOff: number, n: number): void;
  /** RoPE on x [rows, heads, dh] with cos/sin [rows, dh]. */
  rope(heap: ArrayBuffer, xOff: number, cosOff: number, sinOff: number, yOff: number, rows: number, heads: number, dh: number): void;
  ropeGrad(heap: ArrayBuffer, xOff: number, cosOff: number, sinOff: number, dyOff: number, dxOff: number, dcosOff: number,
    dsinOff: number, rows: number, heads: number, dh: number): void;
  /** x viewed as [outer, inner]: leading → y[inner] = Σ rows; else y[outer] = Σ columns. */
  sum(heap: ArrayBuffer, xOff: number, yOff: number, outer: number, inner: number, leading: boolean): void;
  xent(heap: ArrayBuffer, logitsOff: number, targetsOff: number, maskOff: number, rows: number, v: number, lossOff: number, lseOff: number): void;
  xentGrad(heap: ArrayBuffer, logitsOff: number, targetsOff: number, maskOff: number, lseOff: number, g: number, rows: number, v: number, dOff: number, dmaskOff: number): void;
  /** kind 0 LayerNorm (uses beta, writes mean), 1 RMSNorm. */
  norm(heap: ArrayBuffer, kind: number, xOff: number, gammaOff: number, betaOff: number, rows: number, d: number, eps: number, yOff: number, meanOff: number, rstdOff: number): void;
  normGrad(heap: ArrayBuffer, kind: number, xOff: number, gammaOff: number, dyOff: number, meanOff: number, rstdOff: number, rows: number, d: number, dxOff: number, dgammaOff: number, dbetaOff: number): void;
  /** One Adam step into fresh outputs (offsets in bytes; c1, c2 = 1 − β^t). */
  adam(heap: ArrayBuffer, pOff: number, mOff: number, vOff: number, gOff: number, n: number, lr: number, b1: number, b2: number,
    eps: number, c1: number, c2: number, pOutOff: number, mOutOff: number, vOutOff: number): void;
  /** OpenBLAS threads. */
  setThreads(n: number): void;
  /** OpenMP threads of the element-wise kernels (default 1: see eltwise.c). */
  setParThreads(n: number): void;
  /** Parts of the loops split over OpenBLAS's worker threads (native/src/par.c; 1 = calling thread only). */
  setSplitParts(n: number): void;
  /** y = a + b over n float32 values (native/src/eltwise.c el_add); absent in addons built before it. */
  add?(heap: ArrayBuffer, aOff: number, bOff: number, yOff: number, n: number): void;
  /** The parts a large loop runs in now (1 where OpenBLAS's pthread server is not usable). */
  getSplitParts(): number;
  /** The least work (element operations) a loop splits at; 0 restores the default (native/src/par.c). */
  setSplitMin(work: number): void;
  /** Loops run in more than one part since the addon loaded. */
  splitLoops(): number;
  getThreads(): number;
  blasConfig(): string;
  /** Make this JavaScript environment the addon's user (native/src/owner.c): true for the first one that asks (and
   * again for it), false for any other thread of the process while that one lives. */
  claim?(): boolean;
  /** JSON {cflags, compiler, isa, iec559} fixed at build time (binding.gyp); absent in builds before it existed. */
  buildInfo?(): string;
  /** native/src/mathf.c: mismatches of the addon's own `name` (tanh, exp) against the C library's, bit for bit, over
   * the float bit patterns start + i·stride (mod 2^32), i < count → [mismatches, first mismatching pattern or −1]. */
  libmCheck?(name: 'tanh' | 'exp', start: number, stride: number, count: number): [number, number];
  /** Chain a flag-setting handler in front of the JavaScript SIGINT/SIGTERM handlers (native/src/signals.c); returns how many are watched. */
  watchSignals?(): number;
  /** The last watched signal received since watchSignals(), else 0 (absent in builds before it existed). */
  pendingSignal?(): number;
}

/** How the loaded addon was built and which BLAS it runs: part of every table's environment and task key. */
export interface NativeBuild {
  /** Compiler flags of the build (binding.gyp), or 'unknown' for an addon built before they were recorded. */
  readonly cflags: string;
  readonly compiler: string;
  /** Instruction set the build targets (-march=native on the build machine), e.g. 'avx2 fma'. */
  readonly isa: string;
  /** OpenBLAS's own description: version, build options, the core type it selected at run time. */
  readonly blas: string;
}

export function nativeBuild(addon: NativeAddon): NativeBuild {
  let info: Partial<Record<'cflags' | 'compiler' | 'isa', string>> = {};
  try {
    info = addon.buildInfo ? (JSON.parse(addon.buildInfo()) as typeof info) : {};
  } catch {
    info = {};
  }
  return { cflags: info.cflags ?? 'unknown', compiler: info.compiler ?? 'unknown', isa: info.isa ?? 'unknown', blas: addon.blasConfig() };
}

export const NATIVE_ADDON_PATH = fileURLToPath(new URL('../../native/build/Release/editlab_blas.node', import.meta.url));

/** Why a second JavaScript thread of a process runs without the addon (native/src/owner.c). */
export const NATIVE_IN_USE = 'native addon in use by another JavaScript thread of this process (its kernels share '
  + "OpenBLAS's process-wide thread count and the split loops' state); this thread runs the wasm kernels";

let cached: { addon?: NativeAddon; reason?: string } | undefined;

/** Load the addon once per process. `reason` says why it is unavailable. */
export function loadNativeAddon(): { addon?: NativeAddon; reason?: string } {
  if (cached) return cached;
  if (process.env['EDITLAB_NATIVE'] === '0') {
    cached = { reason: 'native kernels disabled by EDITLAB_NATIVE=0' };
    return cached;
  }
  if (!existsSync(NATIVE_ADDON_PATH)) {
    cached = { reason: 'native addon not built (apt-get install -y libopenblas-dev, then npm run build:native -w @editlab/engine)' };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddon;
    cached = addon.claim && !addon.claim() ? { reason: NATIVE_IN_USE } : { addon };
  } catch (e) {
    cached = { reason: `native addon failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
  return cached;
}

/**
 * OpenBLAS threads: 2 by default (the development machines have 2 cores), EDITLAB_BLAS_THREADS or
 * OPENBLAS_NUM_THREADS override. OpenBLAS workers spin while waiting, so on a shared box use 1.
 */
/** Threads of the native element-wise kernels: 1 by default (EDITLAB_ELTWISE_THREADS overrides). */
export function eltwiseThreads(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number.parseInt(env['EDITLAB_ELTWISE_THREADS'] ?? '1', 10);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

export function blasThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['EDITLAB_BLAS_THREADS'] ?? env['OPENBLAS_NUM_THREADS'];
  const n = raw === undefined ? 2 : Number.parseInt(raw, 10);
  return Number.isFinite(n) && n >= 1 ? n : 2;
}
