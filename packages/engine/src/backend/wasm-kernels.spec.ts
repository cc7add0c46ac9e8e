// Zero-copy Identity/Cast keep values and share the heap buffer; the heap guard throws a clear error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { WasmHeapError } from './errors';
import { DEFAULT_WASM_HEAP_LIMIT, installHeapGuard } from './heap-guard';
import { initBackend } from './index';
import { registerWasmKernels } from './register';
import { sumLeadingJs } from './js-kernels';
import { onBackend } from './testing';
import { asWasm, memoryOffset, type WasmBackend } from './wasm-internals';

describe('wasm kernel patches', () => {
  beforeAll(async () => { await initBackend('wasm'); });
  afterAll(() => { registerWasmKernels(); });

  it('Identity (clone) shares the buffer and keeps values after the source is disposed', () => {
    registerWasmKernels({ noCopy: true });
    const b = asWasm(tf.backend());
    const x = tf.tensor1d([1.5, -2, 3.25]);
    const y = tf.clone(x);
    expect(memoryOffset(b, y)).toBe(memoryOffset(b, x));
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3.25]);
    y.dispose();
  });

  it('same-dtype Cast shares the buffer; a dtype change still converts', () => {
    registerWasmKernels({ noCopy: true });
    const b = asWasm(tf.backend());
    const x = tf.tensor1d([1.7, -2.2, 3]);
    const same = tf.cast(x, 'float32');
    const asInt = tf.cast(x, 'int32');
    expect(memoryOffset(b, same)).toBe(memoryOffset(b, x));
    expect(memoryOffset(b, asInt)).not.toBe(memoryOffset(b, x));
    expect(Array.from(asInt.dataSync())).toEqual([1, -2, 3]);
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual([Math.fround(1.7), Math.fround(-2.2), 3]);
    tf.dispose([same, asInt]);
  });

  it('with stock kernels restored, clone copies (the switch really switches)', () => {
    registerWasmKernels({ noCopy: false });
    const b = asWasm(tf.backend());
    const x = tf.tensor1d([1, 2]);
    const y = tf.clone(x);
    expect(memoryOffset(b, y)).not.toBe(memoryOffset(b, x));
    tf.dispose([x, y]);
  });

  it('gradients through saved (zero-copy cloned) tensors are unchanged', () => {
    const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.tanh(x), tf.cast(x, 'float32')));
    const x = tf.tensor1d([0.3, -1.2, 2]);
    registerWasmKernels({ noCopy: false });
    const ref = tf.grad(f)(x);
    registerWasmKernels({ noCopy: true });
    const got = tf.grad(f)(x);
    expect(Array.from(got.dataSync())).toEqual(Array.from(ref.dataSync()));
    tf.dispose([x, ref, got]);
  });

  it('GatherV2 rows (embedding lookup) match the cpu backend, repeats and 2-D indices included', async () => {
    registerWasmKernels({ noCopy: true });
    const table = Array.from({ length: 7 * 3 * 2 }, (_, i) => i * 0.5 - 3);
    const idx = [[6, 0, 6], [2, 2, 1]];
    const f = () => [tf.gather(tf.tensor3d(table, [7, 3, 2]), tf.tensor2d(idx, [2, 3], 'int32'))];
    const [want] = await onBackend('cpu', f);
    const [got] = await onBackend('wasm', f);
    expect(Array.from(got!)).toEqual(Array.from(want!));
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    expect(() => tf.gather(t, tf.tensor1d([2], 'int32'))).toThrow(/index value 2 is not in \[0, 1\]/);
    t.dispose();
  });

  it('JS leading-axis Sum (the path without the addon) matches the cpu backend', async () => {
    registerWasmKernels({ noCopy: true, nativeElementwise: false });
    const cases: Array<[number[], number | number[], boolean]> = [[[37, 19], 0, false], [[4, 6, 5], [0, 1], true], [[4, 6, 5], 2, false], [[3, 3], [0, 1], false]];
    for (const [shape, axis, keepDims] of cases) {
      const vals = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i) * 3);
      const f = () => [tf.sum(tf.tensor(vals, shape), axis, keepDims)];
      const [want] = await onBackend('cpu', f);
      const [got] = await onBackend('wasm', f);
      expect(got!.length).toBe(want!.length);
      got!.forEach((v, i) => expect(v).toBeCloseTo(want![i]!, 4));
    }
    expect(tf.getKernel('Sum', 'wasm')!.kernelFunc).toBe(sumLeadingJs);
    registerWasmKernels();
  });

  it('the heap guard refuses an allocation past a (small, artificial) limit with ENGINE_WASM_HEAP', () => {
    const live = tf.memory().numBytes;
    registerWasmKernels({ heapLimitBytes: live + 2 ** 20 });
    try {
      const small = tf.zeros([1024]); // 4 KiB: fits
      let err: unknown;
      try {
        tf.tensor(new Float32Array(2 ** 20)); // 4 MiB: over the limit
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WasmHeapError);
      expect((err as WasmHeapError).code).toBe('ENGINE_WASM_HEAP');
      expect((err as Error).message).toMatch(/wasm heap exhausted.*requested 4\.0 MiB/);
      // A kernel's output allocation is guarded too, and the engine stays usable afterwards.
      const big = tf.ones([200_000]);
      expect(() => tf.add(big, big)).toThrow(WasmHeapError);
      tf.dispose([small, big]);
    } finally {
      registerWasmKernels({ heapLimitBytes: DEFAULT_WASM_HEAP_LIMIT });
    }
    const ok = tf.add(tf.ones([4]), 1);
    expect(Array.from(ok.dataSync())).toEqual([2, 2, 2, 2]);
    expect(tf.memory().numBytes).toBeLessThan(live + 1024);
  });

  it('a silent malloc failure (offset 0, as wasm malloc does past ~3.9 GiB) becomes WasmHeapError', () => {
    // A stand-in module whose raw malloc fails the way emscripten's does: it returns 0.
    let next = 64;
    const fake = { wasm: { asm: { malloc: (n: number) => (n > 1000 ? 0 : (next += n)) }, _malloc: () => 1 } } as unknown as WasmBackend;
    installHeapGuard(fake, 2 ** 40);
    expect(fake.wasm._malloc(100)).toBe(164);
    let err: unknown;
    try { fake.wasm._malloc(5000); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(WasmHeapError);
    expect((err as Error).message).toMatch(/wasm malloc failed \(returned 0\).*requested 0\.0 MiB/);
  });
});
