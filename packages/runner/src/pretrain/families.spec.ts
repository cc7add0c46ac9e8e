// Preset set v2 (issue 13's planned retrain): the window rule, the papers' families with their traits at
// sizes comparable to v1's models, and set v1 unchanged. Each new family pretrains a few steps on the
// stand-in world through the real parts (byte-level BPE, HF checkpoint) at its preset shape but a small
// width, is deterministic for its seeds (the same checkpoint bytes twice), and loads back through the
// runner's embedded model entry with its traits, scoring a sequence longer than v1's 64-token window.
// One v2 run on the datasets' version 2 tiny world records the version in its provenance and rebuilds
// the same corpus from it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, paramCount, Transformer } from '@editlab/engine';
import { embeddedModel } from '../adapters/models';
import type { EngineModel } from '../adapters/engine';
import { defaultParts, pretrainDefault } from './default-parts';
import { weightsSha256 } from './hash';
import { DEFAULT_MODEL_NAMES, MODEL_PRESETS, modelPreset, PRESET_SETS, type DefaultModelName } from './presets';
import type { PretrainOptions } from './pipeline';
import { readProvenance, sourceFromProvenance } from './provenance';
import { contextWindow, V2_WINDOW, V2_WINDOW_FORMATS } from './window';

describe('preset sets', () => {
  it('v2 window: 128 by the rule (PISTOL QA 106 the longest held); ZsRE and MMLU are left out', () => {
    const w = contextWindow(V2_WINDOW_FORMATS);
    expect(w).toMatchObject({ window: 128, longest: 106 });
    expect(w.longestWhich).toMatch(/^pistol/);
    expect(w.leftOut.map((l) => l.format)).toEqual(['zsre', 'mmlu']);
    expect(V2_WINDOW).toBe(128);
    // Adding ZsRE (215) needs 256; the generation alone (100 tokens total) needs 128.
    expect(contextWindow([...V2_WINDOW_FORMATS, 'zsre']).window).toBe(256);
    expect(contextWindow([])).toMatchObject({ window: 128, longest: 100, longestWhich: 'fluency generation' });
  });

  it('v2 holds the five families with their traits at sizes comparable to v1 (1.0M–1.4M parameters at vocab 2048)', () => {
    const v2 = PRESET_SETS.v2;
    expect(v2.world).toEqual({ seed: 1, size: 'default', version: 2 });
    expect(v2.names).toEqual(DEFAULT_MODEL_NAMES);
    const arch = (n: DefaultModelName) => modelPreset('v2', n).arch;
    expect(arch('tiny-qwen2')).toMatchObject({ arch: 'llama', nHeads: 4, nKvHeads: 2, qkvBias: true, ropeTheta: 1_000_000 });
    expect(arch('tiny-mistral')).toMatchObject({ arch: 'llama', nHeads: 4, nKvHeads: 2, slidingWindow: 64, ropeTheta: 10_000 });
    expect(arch('tiny-mistral').qkvBias).toBeUndefined();
    expect(arch('tiny-llama3')).toMatchObject({ arch: 'llama', nHeads: 4, nKvHeads: 2, ropeTheta: 500_000 });
    for (const n of v2.names) {
      const p = modelPreset('v2', n);
      expect(p.arch.maxSeq, n).toBe(128);
      expect(p.schedule, n).toMatchObject({ seqLen: 128, batchSize: 16, steps: 5800 });
      const params = paramCount({ ...p.arch, vocabSize: p.vocabSize });
      expect(params, n).toBeGreaterThan(1.0e6);
      expect(params, n).toBeLessThan(1.4e6);
    }
  });

  it('v1 is what the committed checkpoints were trained with, and has only their two models', () => {
    expect(PRESET_SETS.v1.names).toEqual(['tiny-gpt2', 'tiny-llama']);
    expect(PRESET_SETS.v1.world).toEqual({ seed: 1, size: 'default', version: 1 });
    for (const n of ['tiny-gpt2', 'tiny-llama'] as const) {
      expect(MODEL_PRESETS[n].arch.maxSeq).toBe(64);
      expect(MODEL_PRESETS[n].schedule).toMatchObject({ steps: 4000, batchSize: 32, seqLen: 64, lr: 2e-3 });
    }
    expect(paramCount({ ...MODEL_PRESETS['tiny-llama'].arch, vocabSize: 2048 })).toBe(1_328_256);
    expect(() => modelPreset('v1', 'tiny-qwen2')).toThrow(/not in preset set v1 \(it is in v2: pass --set v2\)/);
  });
});

describe('v2 families pretrain on the stand-in world and load through the embedded entry', () => {
  let root = '';
  beforeAll(async () => {
    await initBackend();
    root = mkdtempSync(join(tmpdir(), 'pretrain-v2-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const run = (model: DefaultModelName, outDir: string, over: Partial<PretrainOptions> = {}) => pretrainDefault({
    model, set: 'v2', worldSize: 'standin-tiny', worldSeed: 2, outDir, workDir: `${outDir}-work`,
    // The preset's heads, key/value heads, bias, RoPE base, window and 128-token rows; a small width.
    vocabSize: 400, arch: { dModel: 32, nLayers: 1, dMlp: 64 }, schedule: { steps: 3, batchSize: 2, warmupSteps: 1 },
    evalLimit: 3, log: () => {}, ...over,
  });
  // The checkpoint's files (the card and provenance also hold the run's wall time).
  const files = ['config.json', 'model.safetensors', 'tokenizer.json'];

  it.each([['tiny-qwen2'], ['tiny-mistral'], ['tiny-llama3']] as const)('%s', async (name) => {
    const a = await run(name, join(root, 'a', name));
    const b = await run(name, join(root, 'models', name));
    expect(a.complete && b.complete).toBe(true);
    if (!a.complete || !b.complete) return;
    for (const f of files) expect(readFileSync(join(b.dir, f)).equals(readFileSync(join(a.dir, f))), f).toBe(true);
    expect(b.weightsSha256).toBe(a.weightsSha256);
    const card = readFileSync(join(a.dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('(preset set v2)');
    expect(card).toContain('grouped-query attention (4 query heads over 2 key/value heads)');

    const entry = embeddedModel(root, DEFAULT_MODEL_NAMES);
    const loaded = await entry.load({ name }, { seed: 0, specDir: root });
    try {
      const t = (loaded.model as EngineModel).transformer as Transformer;
      expect(t.config).toMatchObject({ ...modelPreset('v2', name).arch, dModel: 32, nLayers: 1, dMlp: 64 });
      expect(weightsSha256(t.params)).toBe(a.weightsSha256);
      // A 100-token sequence (beyond v1's window; beyond tiny-mistral's 64-token sliding window).
      const prompt = Array.from({ length: 50 }, (_, i) => (i % 2 ? ' is' : ' The')).join('');
      const [scores] = await loaded.scorer.score([{ prompt, continuation: ' The' }]);
      expect(scores!.length).toBeGreaterThan(0);
      expect(scores!.every((s) => Number.isFinite(s.logprob) && s.logprob < 0)).toBe(true);
    } finally {
      loaded.dispose();
    }
  });

  it('a v2 run on the datasets world records version 2 and rebuilds the same corpus from its provenance', async () => {
    const r = await run('tiny-gpt2', join(root, 'w2'), { worldSize: 'tiny', worldSeed: 7, schedule: { steps: 2, batchSize: 2, warmupSteps: 1 } });
    expect(r.complete).toBe(true);
    if (!r.complete) return;
    const prov = readProvenance(r.dir);
    expect(prov.world).toEqual({ seed: 7, size: 'tiny', refusalRepeats: 1, version: 2 });
    expect(prov.run['set']).toBe('v2');
    const src = sourceFromProvenance(defaultParts, prov);
    expect(src.corpusSha256).toBe(prov.corpusSha256);
    const v1 = defaultParts.source({ worldSeed: 7, worldSize: 'tiny', worldVersion: 1 }).source;
    expect(src.corpus.length).toBeGreaterThan(v1.corpus.length);
    expect(readFileSync(join(r.dir, 'MODEL_CARD.md'), 'utf8')).toContain('world seed 7, size tiny, version 2');
  });
});
