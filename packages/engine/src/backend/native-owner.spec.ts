// One JavaScript thread of a process uses the native addon (native/src/owner.c): a worker thread started while this
// thread holds it gets the wasm kernels and the reason, instead of racing on OpenBLAS's process-wide thread count.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { loadNativeAddon, NATIVE_ADDON_PATH, NATIVE_IN_USE } from './native';

const native = loadNativeAddon();
const skip = native.addon ? undefined : native.reason;

/** Run CommonJS `code` in a worker thread; its one message (tsx's tsImport loads the engine's .ts files there). */
function inWorker(code: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true });
    w.once('message', (m) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  });
}

describe.skipIf(skip !== undefined)(`native addon ownership${skip ? ` (SKIPPED: ${skip})` : ''}`, () => {
  it('this thread owns the addon, and asking again keeps it', () => {
    expect(native.addon!.claim!()).toBe(true);
    expect(native.addon!.claim!()).toBe(true);
  });

  it('a worker thread may not claim it while this thread holds it', async () => {
    const got = await inWorker(`const { parentPort } = require('node:worker_threads');
      parentPort.postMessage(require(${JSON.stringify(NATIVE_ADDON_PATH)}).claim());`);
    expect(got).toBe(false);
  });

  it("a worker's engine runs without the addon and says why", async () => {
    const url = JSON.stringify(new URL('./native.ts', import.meta.url).href);
    const got = await inWorker(`const { parentPort } = require('node:worker_threads');
      require('tsx/esm/api').tsImport(${url}, ${JSON.stringify(import.meta.url)}).then((m) => { const r = m.loadNativeAddon(); parentPort.postMessage({ addon: r.addon !== undefined, reason: r.reason }); });`);
    expect(got).toEqual({ addon: false, reason: NATIVE_IN_USE });
  });
});
