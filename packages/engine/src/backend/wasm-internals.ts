// Typed access to the internals of tfjs-backend-wasm 4.22 (pinned in package.json) that the engine's
// kernels need: the heap, the dataId → memory-offset map, and tensor registration with the C++ side.
// Everything that reaches past the public KernelFunc contract goes through this one file.
import * as tf from '@tensorflow/tfjs';

export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: tf.DataType;
  refCount: number;
}

export interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(offset: number): void;
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

export interface WasmBackend {
  wasm: WasmModule;
  dataIdMap: { get(dataId: object): WasmTensorData | undefined; set(dataId: object, d: WasmTensorData): void; delete(dataId: object): boolean };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  readSync(dataId: object): tf.backend_util.BackendValues;
}

export function asWasm(backend: unknown): WasmBackend {
  return backend as WasmBackend;
}

/** The wasm backend instance, or undefined when wasm is not the active backend. */
export function activeWasmBackend(): WasmBackend | undefined {
  return tf.getBackend() === 'wasm' ? asWasm(tf.backend()) : undefined;
}

export function memoryOffset(b: WasmBackend, t: tf.TensorInfo): number {
  const d = b.dataIdMap.get(t.dataId);
  if (!d) throw new Error(`tensor data ${String((t.dataId as { id?: number }).id)} is not on the wasm backend`);
  return d.memoryOffset;
}

/** Float32 view of a tensor on the wasm heap. Take it after the last allocation: heap growth detaches it. */
export function f32(b: WasmBackend, t: tf.TensorInfo): Float32Array {
  return b.typedArrayFromHeap(t) as Float32Array;
}

/** Byte size of one float32 element. */
export const F32_BYTES = 4;

/**
 * A zero-copy view: a tensor registered at `offset` inside an existing allocation (no malloc). It must be
 * released with `releaseView`, never with disposeData (which would free memory it does not own).
 */
export function makeView(b: WasmBackend, shape: number[], offset: number): tf.TensorInfo {
  return b.makeOutput(shape, 'float32', offset);
}

export function releaseView(b: WasmBackend, view: tf.TensorInfo): void {
  const d = b.dataIdMap.get(view.dataId);
  if (!d) return;
  b.wasm.tfjs.disposeData(d.id);
  b.dataIdMap.delete(view.dataId);
}

/** Same data, new shape (what wasm's Reshape kernel does: a refcount bump, no copy). */
export function reshapeInfo(b: WasmBackend, t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  b.incRef(t.dataId);
  return { dataId: t.dataId, shape, dtype: t.dtype };
}
