// The peak tensor memory of one synchronous piece of work (ForGet Table 5's "memory" column, measured):
// tfjs keeps the bytes of every live tensor in its engine's `state.numBytes`, updated on each allocation and
// disposal; for the duration of `work` that field is observed, and the largest value it takes is the peak.
// The count is exact and deterministic (it depends on the tensors allocated, not on timing), and covers
// tfjs tensors only: plain JS arrays a method computes with (e.g. ROME/MEMIT's Float64 linear algebra) and the
// wasm heap's own growth are not in it (docs/forget.md "Table 5").
import * as tf from '@tensorflow/tfjs';

interface EngineState {
  numBytes: number;
}

/** `work()`'s result and the peak bytes of live tensors while it ran, above those live when it started. */
export function withTensorPeak<T>(work: () => T): { readonly result: T; readonly peakBytes: number } {
  const state = (tf.engine() as unknown as { state: EngineState }).state;
  const start = state.numBytes;
  let current = start;
  let peak = start;
  Object.defineProperty(state, 'numBytes', {
    configurable: true, enumerable: true,
    get: () => current,
    set: (v: number) => {
      current = v;
      if (v > peak) peak = v;
    },
  });
  try {
    return { result: work(), peakBytes: peak - start };
  } finally {
    delete (state as Partial<EngineState>).numBytes;
    state.numBytes = current;
  }
}
