// The memory-based editors (engine methods/serac, lte, recipe) on the committed default model tiny-gpt2 (v2), with
// their side models trained (few steps, not the defaults) on the world's tuning split by the runner's own tuning
// input, and evaluated on benchmark records of the world the model knows: routing, efficacy, locality, undo.
// What the defaults do on held-out records: docs/memory-editors.md "Diagnosis".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { initBackend, loadCheckpoint, memoryOf, methodById, scoreContinuations, Transformer, type EditModel, type MethodDef, type TuningRecord } from '@editlab/engine';
import type { CellRecord, EditRequest } from '../registries';
import { worldCounterfact } from './edit-datasets';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const haveModel = existsSync(join(ROOT, 'models/tiny-gpt2/model.safetensors'));
const ctx = { seed: 0, specDir: ROOT };
const WORLD = { worldSeed: 1, worldSize: 'default' };

interface Cf { prompt: string; paraphrasePrompts: string[]; neighborhood: { prompt: string }[] }
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function load(): Promise<EditModel> {
  const ck = await loadCheckpoint(join(ROOT, 'models/tiny-gpt2'));
  const transformer = Transformer.fromWeights(ck.config, ck.weights);
  for (const w of ck.weights.values()) w.dispose();
  return { transformer, tokenizer: ck.tokenizer! };
}

/** Run a method's stages (as the runner does) on the tuning split; returns ctx.prepared. */
async function prepare(def: MethodDef, model: EditModel, params: Record<string, unknown>, tuning: readonly TuningRecord[]) {
  const prepared: Record<string, { value: unknown; dir: string }> = {};
  for (const s of def.stages) {
    const dir = mkdtempSync(join(tmpdir(), `editlab-${def.id}-`));
    dirs.push(dir);
    const t0 = performance.now();
    prepared[s.name] = { value: await s.run(model, params, { seed: 0, dir, tuning }), dir };
    console.log(def.id, s.name, ((performance.now() - t0) / 1000).toFixed(1), 's', JSON.stringify(prepared[s.name]!.value));
  }
  return prepared;
}

/** NLL(new) < NLL(true) per prompt: the CounterFact comparison (docs/definitions.md §1.1). */
function wins(m: EditModel, prompts: readonly string[], r: EditRequest): boolean[] {
  const s = scoreContinuations(m.transformer, m.tokenizer, prompts.flatMap((p) => [{ prompt: p, continuation: r.targetNew }, { prompt: p, continuation: r.targetTrue! }]));
  const nll = s.map((t) => -t.reduce((a, x) => a + x.logprob, 0) / t.length);
  return prompts.map((_, i) => nll[2 * i]! < nll[2 * i + 1]!);
}

const queryIds = (p: string) => { const ids = model.tokenizer.encode(p); return model.tokenizer.bosId === undefined ? ids : [model.tokenizer.bosId, ...ids]; };
const weightsOf = (m: EditModel) => [...m.transformer.params.values()].map((v) => Array.from(v.dataSync() as Float32Array).slice(0, 64).join(','));

let model: EditModel;
let tuning: TuningRecord[];
let bench: CellRecord[];
beforeAll(async () => {
  await initBackend();
  if (!haveModel) return;
  model = await load();
  tuning = await worldCounterfact.tuning!({ ...WORLD, n: 200, offset: 0 }, ctx);
  bench = await worldCounterfact.load({ ...WORLD, n: 10, offset: 0 }, ctx);
});

describe.skipIf(!haveModel)('SERAC on tiny-gpt2 (side models trained on the v2 tuning split)', () => {
  it('routes an edit\'s prompt to the counterfactual model and neighbourhood prompts to the base model; undo removes the memory', async () => {
    const def = methodById('serac');
    const params = { steps: Number(process.env['SERAC_STEPS'] ?? 80), lr: 1e-3, scopeSteps: 150, substitutions: 2 }; // a short setting, not the defaults (docs/memory-editors.md)
    const prepared = await prepare(def, model, params, tuning);
    const before = weightsOf(model);
    let eff = 0, gen = 0, genN = 0, loc = 0, locN = 0, routedToBase = 0;
    for (const rec of bench) {
      const r = rec.request as EditRequest;
      const d = rec.data as unknown as Cf;
      const nb = d.neighborhood.map((n) => n.prompt);
      const score = (ps: readonly string[]) => scoreContinuations(model.transformer, model.tokenizer, ps.map((p) => ({ prompt: p, continuation: r.targetTrue! })));
      const res = def.apply(model, [r], params, { seed: 0, prepared });
      expect(model.transformer.routeFor(queryIds(r.prompt))?.model).toBeDefined(); // the edit's own prompt: the counterfactual model
      eff += wins(model, [r.prompt], r)[0] ? 1 : 0;
      const g = wins(model, d.paraphrasePrompts, r);
      gen += g.filter(Boolean).length; genN += g.length;
      const l = wins(model, nb, r);
      loc += l.filter((x) => !x).length; locN += l.length;
      const toBase = nb.filter((p) => model.transformer.routeFor(queryIds(p)) === undefined);
      routedToBase += toBase.length;
      const edited = score(toBase);
      res.undo();
      expect(edited).toEqual(score(toBase)); // identical logits: the base model answered them
      expect(model.transformer.routeCount).toBe(0);
      expect(memoryOf(model.transformer, 'serac')).toHaveLength(0);
    }
    console.log('serac', { eff: eff / bench.length, gen: gen / genN, loc: loc / locN, routedToBase, locN });
    // Measured (2026-12-02, v2 tiny-gpt2, this setting: 80 counterfactual steps at lr 1e-3, 2 substitutions, 150
    // classifier steps): efficacy 0.9, generalization 0.9 (the bare model: 0, it knows every benchmark fact),
    // locality 0.979, 47 of 48 neighbourhood prompts to the base model (v1 model: efficacy 0.3, 74/80). The bounds leave room for other CPUs' last bits, not for a broken router or model.
    expect(eff / bench.length).toBeGreaterThanOrEqual(0.6);
    expect(loc / locN).toBeGreaterThanOrEqual(0.95);
    expect(routedToBase / locN).toBeGreaterThanOrEqual(0.85);
    expect(weightsOf(model)).toEqual(before);
  }, 600_000);
});

describe.skipIf(!haveModel)('LTE on tiny-gpt2 (alignment on the v2 tuning split)', () => {
  it('retrieves the stored edit for its own prompt and none for an unrelated one; the aligned model answers; undo removes the memory', async () => {
    const def = methodById('lte');
    const params = { epochs: Number(process.env['LTE_EPOCHS'] ?? 0.3), lr: 1e-3, neighbours: 1, substitutions: 1, minSimilarity: 0.5 }; // the threshold's gating (default −1: none)
    const prepared = await prepare(def, model, params, tuning);
    const before = weightsOf(model);
    let eff = 0, hits = 0, falseHits = 0, loc = 0, locN = 0;
    for (const [i, rec] of bench.entries()) {
      const r = rec.request as EditRequest;
      const d = rec.data as unknown as Cf;
      const res = def.apply(model, [r], params, { seed: 0, prepared });
      const own = model.transformer.routeFor(queryIds(r.prompt))!;
      if (own.ids!.length > queryIds(r.prompt).length) hits++;
      const other = (bench[(i + 5) % bench.length]!.request as EditRequest).prompt;
      const unrelated = model.transformer.routeFor(queryIds(other))!;
      if (unrelated.ids !== undefined) falseHits++;
      eff += wins(model, [r.prompt], r)[0] ? 1 : 0;
      const l = wins(model, d.neighborhood.map((n) => n.prompt), r);
      loc += l.filter((x) => !x).length; locN += l.length;
      res.undo();
      expect(model.transformer.routeCount).toBe(0);
      expect(memoryOf(model.transformer, 'lte')).toHaveLength(0);
    }
    console.log('lte', { eff: eff / bench.length, hits, falseHits, loc: loc / locN });
    // Measured (v2 tiny-gpt2, this setting: 0.3 epochs = 19 alignment steps at lr 1e-3): 10/10 own prompts retrieve
    // their edit, 0/10 unrelated prompts retrieve one, efficacy 0.4 (bare model: 0), locality 0.917.
    expect(hits).toBe(bench.length);
    expect(falseHits).toBe(0);
    expect(eff / bench.length).toBeGreaterThanOrEqual(0.3);
    expect(weightsOf(model)).toEqual(before);
  }, 600_000);
});

describe.skipIf(!haveModel)('RECIPE on tiny-gpt2 (prompt encoder trained on the v2 tuning split, LM frozen)', () => {
  it('retrieves the stored edit\'s prompt for its own prompt and the sentinel for an unrelated one; undo removes the memory', async () => {
    const def = methodById('recipe');
    const params = { steps: Number(process.env['RECIPE_STEPS'] ?? 40), substitutions: 0 };
    const prepared = await prepare(def, model, params, tuning);
    const before = weightsOf(model);
    let eff = 0, hits = 0, falseHits = 0;
    for (const [i, rec] of bench.entries()) {
      const r = rec.request as EditRequest;
      const res = def.apply(model, [r], params, { seed: 0, prepared });
      if (model.transformer.routeFor(queryIds(r.prompt))?.embeds) hits++;
      const other = (bench[(i + 5) % bench.length]!.request as EditRequest).prompt;
      if (model.transformer.routeFor(queryIds(other)) !== undefined) falseHits++;
      eff += wins(model, [r.prompt], r)[0] ? 1 : 0;
      res.undo();
      expect(model.transformer.routeCount).toBe(0);
      expect(memoryOf(model.transformer, 'recipe')).toHaveLength(0);
    }
    console.log('recipe', { eff: eff / bench.length, hits, falseHits });
    // Measured (v2 tiny-gpt2, this setting: 40 steps, no substitutions; the defaults not run here): 6/10 own prompts
    // beat the sentinel, 0/10 unrelated prompts do, efficacy 0.1 (bare model: 0; v1 model: 6/10, 2/10, 0.2).
    // Retrieval above chance, the sentinel gating.
    expect(hits).toBeGreaterThanOrEqual(5);
    expect(falseHits).toBeLessThanOrEqual(3);
    expect(hits).toBeGreaterThan(falseHits);
    expect(weightsOf(model)).toEqual(before);
  }, 600_000);
});
