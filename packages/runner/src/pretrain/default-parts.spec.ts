// The real parts end to end on the stand-in world's tiny preset: byte-level BPE, the engine's HF
// checkpoint writer, and a reload through loadCheckpoint that gives back the same weights and tokenizer;
// and pretraining on the datasets' tiny world twice gives the same weights.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, loadCheckpoint } from '@editlab/engine';
import { defaultParts, pretrainDefault } from './default-parts';
import { weightsSha256 } from './hash';
import { readProvenance, sourceFromProvenance } from './provenance';

describe('pretrainDefault (real BPE + HF checkpoint, stand-in world)', () => {
  let dir = '';
  beforeAll(async () => {
    await initBackend();
    dir = mkdtempSync(join(tmpdir(), 'pretrain-default-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an HF checkpoint that reloads to the same weights and tokenizer', async () => {
    const r = await pretrainDefault({
      model: 'tiny-gpt2', worldSize: 'standin-tiny', worldSeed: 2, outDir: join(dir, 'm'), workDir: join(dir, 'w'),
      vocabSize: 400, arch: { dModel: 32, nLayers: 1, nHeads: 2, dMlp: 64 }, schedule: { steps: 3, batchSize: 4, warmupSteps: 1 },
      evalLimit: 5, log: () => {},
    });
    expect(r.complete).toBe(true);
    if (!r.complete) return;
    const ck = await loadCheckpoint(r.dir);
    expect(ck.source).toBe('gpt2');
    expect(ck.config.dModel).toBe(32);
    expect(weightsSha256(ck.weights)).toBe(r.weightsSha256);
    ck.weights.forEach((t) => t.dispose());
    expect(JSON.parse(readFileSync(join(r.dir, 'config.json'), 'utf8')).n_embd).toBe(32);
    const src = sourceFromProvenance(defaultParts, readProvenance(r.dir));
    const text = src.corpus[0]!;
    expect(ck.tokenizer!.decode(ck.tokenizer!.encode(text))).toBe(text);
  });

  it('is deterministic on the datasets world (tiny): same weights, card scores and corpus hash twice', async () => {
    const run = (k: string) => pretrainDefault({
      model: 'tiny-llama', set: 'v1', worldSize: 'tiny', worldSeed: 7, outDir: join(dir, `t${k}`), workDir: join(dir, `tw${k}`),
      vocabSize: 400, arch: { dModel: 32, nLayers: 1, nHeads: 2, nKvHeads: 2, dMlp: 64 }, schedule: { steps: 4, batchSize: 4, warmupSteps: 1 },
      evalLimit: 5, log: () => {},
    });
    const a = await run('a');
    const b = await run('b');
    expect(a.complete && b.complete).toBe(true);
    if (!a.complete || !b.complete) return;
    expect(b.weightsSha256).toBe(a.weightsSha256);
    expect(b.card.scores).toEqual(a.card.scores);
    const pa = readProvenance(a.dir);
    expect(readProvenance(b.dir).corpusSha256).toBe(pa.corpusSha256);
    // The tiny v1 world's corpus carries its extra refusal QA (40 documents).
    expect(sourceFromProvenance(defaultParts, pa).corpus.length).toBe(616);
  });

  it('refuses unknown world sizes with a clear message', () => {
    expect(() => defaultParts.source({ worldSize: 'standin-huge' })).toThrow(/world size 'standin-huge'.*available: standin-tiny, standin-default/);
    expect(() => defaultParts.source({ worldSize: 'huge' })).toThrow(/unknown world size "huge"/);
  });
});
