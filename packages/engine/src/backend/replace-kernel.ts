// Replace a backend's kernel by name while keeping the stock one callable (for fallbacks and tests).
// Registration is always an explicit call from initBackend / registerWasmKernels: no import side effects.
import * as tf from '@tensorflow/tfjs';

const stock = new Map<string, tf.KernelConfig>();

function key(kernelName: string, backendName: string): string {
  return `${backendName}/${kernelName}`;
}

/** The kernel the backend shipped with (captured before the first replacement). */
export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig {
  const k = stock.get(key(kernelName, backendName)) ?? tf.getKernel(kernelName, backendName);
  if (!k) throw new Error(`kernel '${kernelName}' is not registered for backend '${backendName}'`);
  return k;
}

/** Register `kernelFunc` as `kernelName` on `backendName`, replacing whatever is there. */
export function replaceKernel(kernelName: string, backendName: string, kernelFunc: tf.KernelFunc): void {
  const k = key(kernelName, backendName);
  const current = tf.getKernel(kernelName, backendName);
  if (current && !stock.has(k)) stock.set(k, current);
  if (current) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ kernelName, backendName, kernelFunc });
}

/** Put the stock kernel back (tests compare custom against stock in one process). */
export function restoreKernel(kernelName: string, backendName: string): void {
  const k = key(kernelName, backendName);
  const original = stock.get(k);
  if (!original) return;
  if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...original, setupFunc: undefined });
}
