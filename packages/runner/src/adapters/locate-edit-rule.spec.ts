// ROME, MEMIT and AlphaEdit at their rule defaults (`defaults: rule`, docs/defaults.md "Width rule") on the committed
// tiny-llama, loaded through the embedded adapter so that the edit layer comes from its model card
// (models/tiny-llama/edit-layer.json): each changes the edited facts and leaves unrelated facts alone. Ten world
// CounterFact records, key statistics over 1000 corpus documents shared by the three methods (they edit layers 0–1).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodById, nextTokenTopK, scoreContinuations, type EditModel, type PreparedArtifact, type RewriteRequest } from '@editlab/engine';
import { worldSource } from '../pretrain/world-source';
import { DEFAULT_MODEL_NAMES } from '../pretrain/presets';
import { withRuleDefaults } from '../experiment-spec/rule-defaults';
import type { JsonSchema, LoadedModel, ModelShape } from '../registries';
import { embeddedModel } from './models';
import { worldCounterfact } from './edit-datasets';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const haveModel = existsSync(join(ROOT, 'models/tiny-llama/model.safetensors'));
const SLOW = { timeout: 900_000 };
const SAMPLES = 1000;

describe.skipIf(!haveModel)('locate-then-edit at rule defaults on tiny-llama (skipped when models/tiny-llama is absent)', () => {
  let loaded: LoadedModel;
  let model: EditModel;
  let shape: ModelShape;
  let records: RewriteRequest[];
  let corpus: readonly string[];
  const dirs: string[] = [];
  const top1 = (prompt: string) => nextTokenTopK(model.transformer, model.tokenizer, [prompt], 1)[0]![0]!.id;
  const isNew = (r: RewriteRequest) => top1(r.prompt) === model.tokenizer.encode(r.targetNew)[0];
  /** Records whose NLL(new) < NLL(true) on the rewrite prompt (MEMIT's efficacy). */
  function efficacy(reqs: readonly RewriteRequest[]): number {
    const t = scoreContinuations(model.transformer, model.tokenizer, reqs.flatMap((r) => [{ prompt: r.prompt, continuation: r.targetNew }, { prompt: r.prompt, continuation: r.targetTrue! }]));
    const nll = t.map((x) => -x.reduce((s, y) => s + y.logprob, 0) / x.length);
    return reqs.filter((_r, i) => nll[2 * i]! < nll[2 * i + 1]!).length;
  }
  async function stages(id: string, params: Record<string, unknown>, names: readonly string[]): Promise<Record<string, PreparedArtifact>> {
    const out: Record<string, PreparedArtifact> = {};
    for (const s of methodById(id).stages.filter((x) => names.includes(x.name))) {
      const dir = mkdtempSync(join(tmpdir(), `editlab-rule-${id}-`));
      dirs.push(dir);
      out[s.name] = { value: await s.run(model, params, { seed: 0, dir, corpus }), dir };
    }
    return out;
  }
  const ruled = (id: string) => withRuleDefaults(methodById(id).paramsSchema as JsonSchema, { mom2NSamples: SAMPLES }, shape);

  beforeAll(async () => {
    const entry = embeddedModel(ROOT, DEFAULT_MODEL_NAMES);
    const ctx = { seed: 0, specDir: ROOT };
    shape = entry.shape!({ name: 'tiny-llama' }, ctx as never);
    loaded = await entry.load({ name: 'tiny-llama' }, ctx as never);
    model = loaded.model as EditModel;
    corpus = worldSource(1, 'default').corpus;
    records = (await worldCounterfact.load({ worldSeed: 1, worldSize: 'default', n: 15, offset: 0 }, { seed: 0, specDir: ROOT })).map((r) => r.request as RewriteRequest);
  }, SLOW.timeout);
  afterAll(() => {
    loaded?.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  // One test per method, with an event-loop turn between the long synchronous steps (vitest's worker RPC).
  const tick = () => new Promise((r) => setImmediate(r));
  let shared: Record<string, PreparedArtifact>;
  let unrelatedTop: number[];
  const kept = () => records.slice(10, 15).filter((r, i) => top1(r.prompt) === unrelatedTop[i]).length;

  it('the rule values on tiny-llama: layer 0 from the card, λ = 480, L2 = 0.246; shared key statistics of layers 0–1', SLOW, async () => {
    expect(shape.editLayer).toBe(0); // from the model card
    // EasyEdit's Llama-2-7B target-value settings (presetRule): 25 steps, weight decay 1e-3, clamp 4
    const llamaValue = { vNumGradSteps: 25, vWeightDecay: 1e-3, clampNormFactor: 4 };
    expect(ruled('memit')).toEqual({ mom2UpdateWeight: 480, mom2NSamples: SAMPLES, ...llamaValue });
    expect(ruled('alphaedit')).toEqual({ l2: 0.246, mom2NSamples: SAMPLES, ...llamaValue });
    unrelatedTop = records.slice(10, 15).map((r) => top1(r.prompt));
    expect(efficacy(records.slice(0, 10))).toBe(0);
    await tick();
    shared = await stages('memit', ruled('memit'), ['context-templates', 'key-stats']);
    expect(shared['key-stats']!.value).toMatchObject({ layers: [0, 1], nSamples: SAMPLES });
  });

  // Measured (docs/defaults.md "Width rule"): with the GPT-2 XL target-value settings MEMIT 4/10, AlphaEdit 10/10,
  // five unrelated facts kept by both; with EasyEdit's Llama-2 settings (the rule since 2026-12-02: 25 steps, weight
  // decay 1e-3, clamp 4) MEMIT 8/10 with all five kept, AlphaEdit 10/10 with four of five kept (printed below).
  for (const [id, least, keep] of [['memit', 7, 5], ['alphaedit', 8, 4]] as const) {
    it(`${id} at its rule value changes ≥ ${least} of 10 edited facts in one batch; ≥ ${keep} of 5 unrelated facts keep their prediction`, SLOW, async () => {
      await tick();
      const batch = records.slice(0, 10);
      const res = methodById(id).apply(model, batch, ruled(id), { seed: 0, prepared: shared });
      try {
        await tick();
        const [edited, unrelated] = [efficacy(batch), kept()];
        console.log(`${id} at rule defaults on tiny-llama: ${edited}/10 edited, ${unrelated}/5 unrelated kept`);
        expect(edited).toBeGreaterThanOrEqual(least);
        expect(unrelated).toBeGreaterThanOrEqual(keep);
      } finally {
        res.undo();
      }
    });
  }

  it('rome at its rule defaults (card layer 0, C = I as EasyEdit\'s Llama-2 preset) makes the new target the top-1 continuation; the unrelated facts keep theirs', SLOW, async () => {
    const romeParams = withRuleDefaults(methodById('rome').paramsSchema as JsonSchema, { mom2NSamples: SAMPLES }, shape);
    // Its own templates; the same statistics (layer 0 is in them).
    const prepared = { ...(await stages('rome', romeParams, ['context-templates'])), 'key-stats': shared['key-stats']! };
    await tick();
    const r = records[0]!;
    const res = methodById('rome').apply(model, [r], romeParams, { seed: 0, prepared });
    await tick();
    expect(isNew(r)).toBe(true);
    expect(kept()).toBe(5);
    res.undo();
  });
});
