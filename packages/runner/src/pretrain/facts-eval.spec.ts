// `editlab pretrain --facts` on real CounterFact records (EasyEdit format, ../shared/data): the records'
// paraphrases are longer than the v1 window (64 tokens), so the evaluation leaves them out and counts
// them instead of failing (docs/metrics.md "Records longer than the context window"); and the checkpoint
// is written before the evaluation, so a crash there loses no training.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '@editlab/engine';
import { pretrainDefault } from './default-parts';
import type { PretrainOptions } from './pipeline';

const crash = vi.hoisted(() => ({ on: false }));
vi.mock('./report', async (original) => {
  const real = await original<typeof import('./report')>();
  return {
    ...real,
    evaluateModel: (...args: Parameters<typeof real.evaluateModel>) => {
      if (crash.on) throw new Error('killed during the evaluation');
      return real.evaluateModel(...args);
    },
  };
});

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CF_EDIT = resolve(ROOT, '../shared/data/counterfact/counterfact-edit.dev.json');

describe.skipIf(!existsSync(CF_EDIT))('pretrain --facts on real CounterFact records (skipped without ../shared/data)', () => {
  let dir = '';
  let facts = '';
  beforeAll(async () => {
    await initBackend();
    dir = mkdtempSync(join(tmpdir(), 'pretrain-facts-'));
    // Twelve real records (indices 140–151), among them case 3129, whose paraphrase has a long Wikipedia prefix.
    facts = join(dir, 'cf.json');
    writeFileSync(facts, JSON.stringify((JSON.parse(readFileSync(CF_EDIT, 'utf8')) as unknown[]).slice(140, 152)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const opts = (name: string, log: string[]): PretrainOptions => ({
    model: 'tiny-gpt2',
    set: 'v1', // a 64-token window (v2's 128 would hold these records)
    facts: [facts],
    outDir: join(dir, name),
    workDir: join(dir, `${name}-work`),
    vocabSize: 300,
    arch: { dModel: 32, nLayers: 1, nHeads: 2, dMlp: 64 },
    schedule: { steps: 3, batchSize: 4, warmupSteps: 1 },
    log: (l) => log.push(l),
  });

  it('probes longer than the window are skipped and counted; the run completes with its checkpoint and card', async () => {
    const log: string[] = [];
    const r = await pretrainDefault(opts('ok', log));
    expect(r.complete).toBe(true);
    if (!r.complete) return;
    expect(r.card.config.maxSeq).toBe(64);
    expect(r.eval.skipped).toBeGreaterThan(0);
    expect(r.eval.heldOut.n + r.eval.skipped!).toBeGreaterThanOrEqual(12); // 12 paraphrases; the skipped may include prompts
    expect(log.some((l) => /warning: \d+ evaluation probe\(s\) and prompt\(s\) longer than the model's 64-token window were skipped/.test(l))).toBe(true);
    expect(log.some((l) => /document\(s\) longer than a training row are split/.test(l))).toBe(true);
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'MODEL_CARD.md']) expect(existsSync(join(r.dir, f)), f).toBe(true);
  });

  it('a crash in the evaluation leaves the trained checkpoint written (and no card)', async () => {
    const log: string[] = [];
    crash.on = true;
    try {
      await expect(pretrainDefault(opts('crash', log))).rejects.toThrow('killed during the evaluation');
    } finally {
      crash.on = false;
    }
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) expect(existsSync(join(dir, 'crash', f)), f).toBe(true);
    expect(existsSync(join(dir, 'crash', 'MODEL_CARD.md'))).toBe(false);
    expect(log.some((l) => l.includes('wrote the checkpoint'))).toBe(true);
    // Rerunning resumes from the saved final state (no step is trained again) and completes.
    const again: string[] = [];
    const r = await pretrainDefault(opts('crash', again));
    expect(r.complete).toBe(true);
    expect(again.some((l) => /resumed from step 3/.test(l))).toBe(true);
  });
});
