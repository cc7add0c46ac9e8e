// The whole pipeline on a small knowledge source with a very small model and a few steps: same seeds
// → same tokenizer and the same weights hash; another data seed → other weights; a stopped run
// resumes to the same weights; the outputs are a checkpoint with its card and provenance.
// (pretrain-world.spec.ts runs the same on the real world's `tiny` preset, BPE and HF checkpoint.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@editlab/engine';
import { pretrainWith, type PretrainOptions } from './pipeline';
import { readProvenance } from './provenance';
import { testParts } from './testing';

const pretrainDefault = (o: PretrainOptions) => pretrainWith(testParts, o);

describe('pretrain pipeline', () => {
  let dir = '';
  beforeAll(async () => {
    await initBackend();
    dir = mkdtempSync(join(tmpdir(), 'pretrain-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const opts = (name: string, over: Partial<PretrainOptions> = {}): PretrainOptions => ({
    model: 'tiny-llama',
    worldSize: 'tiny',
    worldSeed: 3,
    outDir: join(dir, name),
    workDir: join(dir, `${name}-work`),
    vocabSize: 320,
    arch: { dModel: 32, nLayers: 1, nHeads: 2, nKvHeads: 2, dMlp: 64 },
    schedule: { steps: 4, batchSize: 4, warmupSteps: 1 },
    evalLimit: 6,
    log: () => {},
    ...over,
  });

  it('is deterministic for its seeds and writes checkpoint, card and provenance', async () => {
    const a = await pretrainDefault(opts('a'));
    const b = await pretrainDefault(opts('b'));
    expect(a.complete && b.complete).toBe(true);
    if (!a.complete || !b.complete) return;
    expect(b.weightsSha256).toBe(a.weightsSha256);
    expect(readFileSync(join(a.dir, 'tokenizer.json'), 'utf8')).toBe(readFileSync(join(b.dir, 'tokenizer.json'), 'utf8'));
    const c = await pretrainDefault(opts('c', { dataSeed: 9 }));
    expect(c.complete && c.weightsSha256).not.toBe(a.weightsSha256);

    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'MODEL_CARD.md', 'editlab-pretrain.json']) expect(existsSync(join(a.dir, f)), f).toBe(true);
    const prov = readProvenance(a.dir);
    expect(prov.world).toEqual({ seed: 3, size: 'tiny', refusalRepeats: 1 });
    expect((prov.run['config'] as { dModel: number }).dModel).toBe(32);
    expect(prov.weightsSha256).toBe(a.weightsSha256);
    const card = readFileSync(join(a.dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('world seed 3, size tiny');
    expect(card).toContain(a.weightsSha256);
  });

  it('resumes a stopped run to the same weights', async () => {
    const whole = await pretrainDefault(opts('whole'));
    const stopped = await pretrainDefault(opts('resumed', { stopAfter: 2 }));
    expect(stopped.complete).toBe(false);
    const resumed = await pretrainDefault(opts('resumed'));
    expect(resumed.complete && resumed.weightsSha256).toBe(whole.complete && whole.weightsSha256);
  });
});
