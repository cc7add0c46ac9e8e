// Backend selection. Default: @tensorflow/tfjs + the wasm backend (tfjs-node cannot install here).
// A user who has @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node installed gets it automatically;
// EDITLAB_BACKEND=wasm|tensorflow|cpu overrides. The chosen backend is reported to the caller.
import * as tf from '@tensorflow/tfjs';
import { registerSegmentSum } from './segment-sum';

export interface BackendInfo {
  /** tfjs backend name: 'wasm', 'tensorflow' (tfjs-node / tfjs-node-gpu) or 'cpu'. */
  name: string;
  /** Which package provides it, e.g. '@tensorflow/tfjs-backend-wasm'. */
  provider: string;
  tfjsVersion: string;
}

let current: BackendInfo | undefined;

async function tryImport(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

export class BackendError extends Error {
  readonly code = 'ENGINE_BACKEND';
}

/** Initialise the tfjs backend once per process and return what was chosen. */
export async function initBackend(requested: string | undefined = process.env['EDITLAB_BACKEND']): Promise<BackendInfo> {
  if (current && (!requested || requested === current.name)) return current;
  let provider = '';
  let name = requested;
  if (!name || name === 'tensorflow') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      if (await tryImport(pkg)) { name = 'tensorflow'; provider = pkg; break; }
    }
    if (requested === 'tensorflow' && !provider) throw new BackendError("EDITLAB_BACKEND=tensorflow but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed");
  }
  if (!name || name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    name = 'wasm';
    provider = '@tensorflow/tfjs-backend-wasm';
  }
  if (name === 'cpu') provider = '@tensorflow/tfjs-backend-cpu';
  if (!provider) throw new BackendError(`unknown EDITLAB_BACKEND '${requested}' (allowed: wasm, tensorflow, cpu)`);
  registerSegmentSum(name);
  const ok = await tf.setBackend(name);
  if (!ok) throw new BackendError(`could not initialise tfjs backend '${name}'`);
  await tf.ready();
  current = { name, provider, tfjsVersion: tf.version.tfjs };
  return current;
}

export function backendInfo(): BackendInfo | undefined {
  return current;
}
