// The committed default checkpoints (models/<name>/) load and know their world: ≥ 95% top-1 on the
// object's first token for training-template facts, ≥ 80% for held-out templates and ≥ 90% refusals
// on the held-out absent people (issue 5's targets), on an evenly spaced sample (the full numbers
// are in each MODEL_CARD.md, measured by the training run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend, loadCheckpoint, Transformer } from '@editlab/engine';
import { firstTokenAccuracy, isRefusal, refusalRate } from './evaluate';
import { DEFAULT_MODEL_NAMES } from './presets';
import { defaultParts } from './default-parts';
import { readProvenance, sourceFromProvenance } from './provenance';
import { spread } from './report';
import { weightsSha256 } from './hash';

const repoRoot = resolve(import.meta.dirname, '../../../..');

describe.each(DEFAULT_MODEL_NAMES.map((n) => [n]))('committed checkpoint %s', (name) => {
  const dir = join(repoRoot, 'models', name);
  const present = existsSync(join(dir, 'model.safetensors'));
  let model: Transformer | undefined;
  let loaded: Awaited<ReturnType<typeof loadCheckpoint>> | undefined;

  beforeAll(async () => {
    if (!present) return;
    await initBackend();
    loaded = await loadCheckpoint(dir);
    model = Transformer.fromWeights(loaded.config, loaded.weights);
  });
  afterAll(() => {
    model?.dispose();
    loaded?.weights.forEach((t) => t.dispose());
  });

  it.skipIf(!present)(`knows its world (skipped when models/${name}/model.safetensors is absent)`, () => {
    const prov = readProvenance(dir);
    const source = sourceFromProvenance(defaultParts, prov);
    expect(source.corpusSha256, 'the world generator changed since this checkpoint was trained: rerun scripts/pretrain.ts').toBe(prov.corpusSha256);
    const tok = loaded!.tokenizer!;
    const facts = firstTokenAccuracy(model!, tok, spread(source.trainProbes, 200));
    expect(facts.accuracy, 'facts, training templates').toBeGreaterThanOrEqual(0.95);
    const heldOut = firstTokenAccuracy(model!, tok, spread(source.heldOutProbes, 200));
    expect(heldOut.accuracy, 'facts, held-out templates').toBeGreaterThanOrEqual(0.8);
    // Issue 5's targets, not the checkpoint's own measurement: ≥ 90% refusals on the held-out absent people.
    const refusals = refusalRate(model!, tok, spread(source.refusalPrompts, 100), source.refusalPool);
    expect(refusals.rate, `refusals (answers: ${refusals.answers.filter((a) => !isRefusal(a, source.refusalPool)).slice(0, 5).join(' | ')})`).toBeGreaterThanOrEqual(0.9);
  });

  it.skipIf(!present)('has a model card written by its training run', () => {
    const card = readFileSync(join(dir, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain(`# ${name}`);
    expect(card).toMatch(/Weights sha256 [0-9a-f]{64}/);
    // The weights on disk are the ones the card and provenance describe.
    expect(weightsSha256(loaded!.weights)).toBe(readProvenance(dir).weightsSha256);
  });
});
