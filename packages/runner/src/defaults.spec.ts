import { describe, expect, it } from 'vitest';
import { backendInfo } from '@editlab/engine';
import { environment } from './defaults';
import { planCodeVersion } from './plan/provenance';

type Env = { backend: { kernels?: { blasThreads?: number } & Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>;

describe('environment', () => {
  it('records the OpenBLAS thread count, keyed (it changes the last bits of some products: docs/engine-speed.md "Threads")', async () => {
    const env = (await environment()) as unknown as Env;
    const k = backendInfo()?.wasmKernels;
    if (k?.matmul !== 'openblas') {
      expect(env.backend.kernels?.blasThreads).toBeUndefined();
      return;
    }
    expect(env.backend.kernels?.blasThreads).toBe(k.blasThreads);
    const one = { ...env, backend: { ...env.backend, kernels: { ...env.backend.kernels, blasThreads: 1 } } };
    const two = { ...env, backend: { ...env.backend, kernels: { ...env.backend.kernels, blasThreads: 2 } } };
    expect(planCodeVersion(one as never)).not.toBe(planCodeVersion(two as never));
  });
});
