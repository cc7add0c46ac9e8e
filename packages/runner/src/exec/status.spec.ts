// Cell statuses of real methods on the committed tiny-gpt2 (README "Reliability"): a training loss that
// becomes non-finite is `diverged` (the engine's typed divergence error), distinct from `failed` (any
// other error); an edit that wrecks the model is `collapsed` when the spec lists `edit-status`.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Registries } from '../registries';
import { defaultRegistries } from '../defaults';
import { runExperiment } from '../experiment';
import { tmpWorkspace } from '../testing/tmp';
import type { EngineModel } from '../adapters/engine';
import { editVerdict, EDIT_STATUS_THRESHOLDS } from '../adapters/edit-metrics';
import { editSpec, haveModel } from '../testing/default-model';

/** The real registries plus `poisoned`: the embedded model with one weight set to NaN (a corrupted fine-tune). */
function withPoisonedModel(): Registries {
  const reg = defaultRegistries();
  const embedded = reg.models.get('embedded')!;
  const poisoned = {
    ...embedded,
    id: 'poisoned',
    async load(params: Parameters<typeof embedded.load>[0], ctx: Parameters<typeof embedded.load>[1]) {
      const m = await embedded.load(params, ctx);
      const w = (m.model as EngineModel).transformer.params.get('blocks.2.mlp.W_out')!;
      w.assign(tf.fill(w.shape, Number.NaN));
      return m;
    },
  };
  return { ...reg, models: new Map([...reg.models, ['poisoned', poisoned]]) };
}

const SPEC = (name: string, model: string, more: string[] = []) =>
  editSpec({ name, model, modelLabel: 'm', methods: ['{ method: ft, label: FT }', ...more], metrics: ['efficacy'] });

const rows = (dir: string, file: string) => {
  const [header, ...body] = readFileSync(join(dir, file), 'utf8').trim().split('\n').map((l) => l.split(','));
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, i === header!.length - 1 ? r.slice(i).join(',') : r[i]!])));
};

describe('editVerdict', () => {
  it('collapsed when locality fell by more than the drop, or fluency is under the floor; ok otherwise', () => {
    expect(EDIT_STATUS_THRESHOLDS).toEqual({ localityDrop: 0.5, fluencyFloor: 100 });
    expect(editVerdict([0.025, 1, 458])).toBe('collapsed'); // FT at lr 1 on tiny-gpt2 (docs/metrics.md "Editing status")
    expect(editVerdict([0.79, 1, 314])).toBeUndefined(); // the quickstart's ForGet row
    expect(editVerdict([0, 0, 337])).toBeUndefined(); // real CounterFact: the model never knew the neighbours
    expect(editVerdict([0.9, 1, 99])).toBe('collapsed');
    expect(editVerdict([0.5, 1, 100])).toBeUndefined(); // both bounds are strict
  });
});

describe.skipIf(!haveModel)('real methods on tiny-gpt2 (skipped when models/tiny-gpt2 is absent)', () => {
  const ws = tmpWorkspace();
  afterAll(() => ws.cleanup());

  it('a non-finite training loss makes the cell diverged with the engine\'s reason; another error makes it failed', async () => {
    ws.write({ 'spec.yaml': SPEC('d', 'poisoned', ['{ method: ft, label: FT-layer1, params: { layer: 1 } }']) });
    const reg = withPoisonedModel();
    await runExperiment(join(ws.cwd, 'spec.yaml'), reg, ws, { renderer: 'silent' });
    const [ft, ft1] = rows(ws.resultsDir, 'd.csv');
    expect(ft!.status).toBe('diverged');
    expect(ft!.error).toMatch(/^\[METHOD_DIVERGED\] ft: learn phase diverged: loss NaN at step 0/);
    // Layer 1's W_out is finite, but the NaN weight of layer 2 is in its forward pass: the same divergence.
    expect(ft1!.status).toBe('diverged');
    const meta = JSON.parse(readFileSync(join(ws.resultsDir, 'd.meta.json'), 'utf8'));
    expect(meta.rows.map((r: { status: string }) => r.status)).toEqual(['diverged', 'diverged']);
    expect(meta.errors[0].status).toBe('diverged');
  });

  it('a thrown error that is not a divergence stays failed', async () => {
    ws.write({ 'f.yaml': SPEC('f', 'embedded') });
    const reg = defaultRegistries();
    // The real ft, called with no requests: the engine's MethodInputError (METHOD_BAD_INPUT), not a divergence.
    const m = reg.methods.get('ft')!;
    const empty = { ...m, create: (p: Parameters<typeof m.create>[0], ctx: Parameters<typeof m.create>[1]) => {
      const e = m.create(p, ctx);
      return { apply: (model: Parameters<typeof e.apply>[0]) => e.apply(model, []) };
    } };
    await runExperiment(join(ws.cwd, 'f.yaml'), { ...reg, methods: new Map([...reg.methods, ['ft', empty]]) }, ws, { renderer: 'silent' });
    const [row] = rows(ws.resultsDir, 'f.csv');
    expect(row!.status).toBe('failed');
    expect(row!.error).toBe('[METHOD_BAD_INPUT] ft: no requests to edit');
  });

  it('edit-status: FT at lr 1 is collapsed, FT at its default lr is ok (values kept in both rows)', async () => {
    ws.write({
      'c.yaml': editSpec({
        name: 'c', n: 2, methods: ['{ method: ft, label: FT }', '{ method: ft, label: FT-lr1, params: { lr: 1 } }'],
        metrics: ['efficacy', 'locality', 'locality-before', 'fluency', 'edit-status'],
      }),
    });
    await runExperiment(join(ws.cwd, 'c.yaml'), defaultRegistries(), ws, { renderer: 'silent' });
    const [ft, hot] = rows(ws.resultsDir, 'c.csv');
    expect(Object.keys(ft!)).toEqual([
      'model', 'dataset', 'method', 'hparams', 'protocol', 'n', 'efficacy', 'locality', 'locality-before', 'fluency',
      'efficacy_lo', 'efficacy_hi', 'locality_lo', 'locality_hi', 'locality-before_lo', 'locality-before_hi', 'fluency_lo', 'fluency_hi',
      'status', 'error',
    ]);
    expect(ft!.status).toBe('ok');
    expect(Number(ft!['locality-before'])).toBeGreaterThan(90);
    expect(hot!.status).toBe('collapsed');
    expect(Number(hot!['locality'])).toBeLessThan(Number(hot!['locality-before']) - 50);
  });
});
