import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, Transformer, type ModelConfig } from '@editlab/engine';
import { pretrainLoop, type LoopOptions } from './loop';
import { weightsSha256 } from './hash';

const config: ModelConfig = { arch: 'llama', vocabSize: 40, dModel: 16, nLayers: 1, nHeads: 2, dMlp: 32, maxSeq: 16 };
// 30 short "documents" over a 40-token vocabulary, EOS = 0, pad = 1.
const docs = Array.from({ length: 30 }, (_, i) => [...Array.from({ length: 3 + (i % 5) }, (_, j) => 2 + ((i * 7 + j * 3) % 38)), 0]);
const base = (over: Partial<LoopOptions> = {}): LoopOptions => ({
  schedule: { steps: 6, batchSize: 4, seqLen: 12, lr: 1e-2, warmupSteps: 2, minLrRatio: 0.1, clipNorm: 1, beta1: 0.9, beta2: 0.99 },
  seed: 3, padId: 1, docs, runKey: 'test', ...over,
});

async function trained(o: LoopOptions, seed = 5): Promise<{ hash: string; losses: readonly number[]; complete: boolean }> {
  const m = Transformer.init(config, seed);
  try {
    const r = await pretrainLoop(m, o);
    const w = m.weights();
    const hash = weightsSha256(w);
    w.forEach((t) => t.dispose());
    return { hash, losses: r.losses, complete: r.complete };
  } finally {
    m.dispose();
  }
}

describe('pretrainLoop', () => {
  let dir = '';
  beforeAll(async () => {
    await initBackend();
    dir = mkdtempSync(join(tmpdir(), 'loop-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lowers the loss and is deterministic for a seed', async () => {
    const a = await trained(base());
    const b = await trained(base());
    expect(a.hash).toBe(b.hash);
    expect(a.losses).toEqual(b.losses);
    expect(a.losses.at(-1)!).toBeLessThan(a.losses[0]!);
    expect((await trained(base({ seed: 4 }))).hash).not.toBe(a.hash);
    expect((await trained(base(), 6)).hash).not.toBe(a.hash);
  });

  it('resumes a stopped run to exactly the weights of an uninterrupted one', async () => {
    const whole = await trained(base());
    const statePath = join(dir, 'state.safetensors');
    const first = await trained(base({ statePath, stopAfter: 3 }));
    expect(first.complete).toBe(false);
    expect(first.losses).toHaveLength(3);
    // A fresh model (different init seed even) is overwritten by the saved state.
    const resumed = await trained(base({ statePath }), 99);
    expect(resumed.complete).toBe(true);
    expect(resumed.losses).toEqual(whole.losses);
    expect(resumed.hash).toBe(whole.hash);
    // Saving every 2 steps (the loop runs in chunks between saves) changes nothing.
    const chunked = await trained(base({ statePath: join(dir, 'chunked.safetensors'), saveEvery: 2 }));
    expect(chunked.losses).toEqual(whole.losses);
    expect(chunked.hash).toBe(whole.hash);
    // A state of another run is ignored, not resumed.
    const other = await trained(base({ statePath, runKey: 'other' }));
    expect(other.hash).toBe(whole.hash);
  });

  it('gives the caller a turn every sliceSteps steps (same weights), and a rejecting turn stops it resumably', async () => {
    const whole = await trained(base());
    const seen: number[] = [];
    const sliced = await trained(base({ sliceSteps: 2, onSlice: async (step, steps) => void seen.push(step * 100 + steps) }));
    expect(seen).toEqual([206, 406]); // after steps 2 and 4 of 6 (none after the last)
    expect(sliced.hash).toBe(whole.hash);
    expect(sliced.losses).toEqual(whole.losses);
    // An abort at a turn (the runner's yield point rejects) leaves the last saved state: steps 1-4 saved at 4.
    const statePath = join(dir, 'aborted.safetensors');
    const stop = new Error('aborted');
    const o = base({ statePath, saveEvery: 4, sliceSteps: 1 });
    await expect(trained({ ...o, onSlice: async (step) => { if (step === 5) throw stop; } })).rejects.toBe(stop);
    const resumed = await trained(o, 99);
    expect(resumed.losses).toEqual(whole.losses);
    expect(resumed.hash).toBe(whole.hash);
  });
});
