// ROME, MEMIT and AlphaEdit (engine methods/rome, memit, alphaedit) on the committed tiny-gpt2, with their key
// statistics read from the world's pretraining corpus (the embedded models' default corpus), on the world's
// CounterFact records; and ROME through the runner on the real CounterFact dev file (edit-file).
// Key statistics use 1000 corpus documents (MEMIT's default; ROME's 100,000 would read the whole corpus, 15,450
// documents, for minutes) so each test stays short. MEMIT and AlphaEdit have the same prepare stages; their
// artifacts at MEMIT's rule layers (0–1) are computed once in this file and serve both: layer 1's statistics are
// the same bytes whether or not the pass also collects layer 0 (docs/locate-then-edit.md).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deserializeKeyStats, eigh, initBackend, loadCheckpoint, mat, methodById, nextTokenTopK, scoreContinuations, Transformer,
  type EditModel, type MethodDef, type PreparedArtifact, type RewriteRequest,
} from '@editlab/engine';
import { worldSource } from '../pretrain/world-source';
import { readEditLayer } from '../pretrain/edit-layer';
import { defaultRegistries } from '../defaults';
import { runExperiment } from '../experiment';
import { paperColumns } from '../testing/csv';
import { tmpWorkspace } from '../testing/tmp';
import { editSpec } from '../testing/default-model';
import { worldCounterfact } from './edit-datasets';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SHARED = resolve(ROOT, '../shared/data');
const haveModel = existsSync(join(ROOT, 'models/tiny-gpt2/model.safetensors'));
const SAMPLES = 1000;
// Each test computes key statistics and optimises target values: tens of seconds on a quiet 2-core machine, many
// minutes when the cores are shared, hence a limit above the runner's 120 s default.
const SLOW = { timeout: 900_000 };

let model: EditModel;
let corpus: readonly string[];
const dirs: string[] = [];

async function prepare(m: MethodDef, params: Record<string, unknown>): Promise<Record<string, PreparedArtifact>> {
  const out: Record<string, PreparedArtifact> = {};
  for (const s of m.stages) {
    const dir = mkdtempSync(join(tmpdir(), `editlab-${m.id}-`));
    dirs.push(dir);
    out[s.name] = { value: await s.run(model, params, { seed: 0, dir, corpus }), dir };
  }
  return out;
}

let memitStages: Promise<Record<string, PreparedArtifact>> | undefined;
/** MEMIT's prepare stages at its rule layers (0–1 on tiny-gpt2, 1000 samples), run once for the file. */
const memitPrepared = () => (memitStages ??= prepare(methodById('memit'), {}));

const weights = (): Map<string, Float32Array> => new Map([...model.transformer.params].map(([n, v]) => [n, (v.dataSync() as Float32Array).slice()]));
const changed = (a: Map<string, Float32Array>, b: Map<string, Float32Array>) =>
  [...a.keys()].filter((n) => Buffer.compare(Buffer.from(a.get(n)!.buffer), Buffer.from(b.get(n)!.buffer)) !== 0);
const top1 = (prompt: string) => nextTokenTopK(model.transformer, model.tokenizer, [prompt], 1)[0]![0]!.id;
/** [NLL(new) < NLL(true)] on each rewrite prompt (MEMIT's efficacy success). */
function efficacy(reqs: readonly RewriteRequest[]): number {
  const t = scoreContinuations(model.transformer, model.tokenizer, reqs.flatMap((r) => [{ prompt: r.prompt, continuation: r.targetNew }, { prompt: r.prompt, continuation: r.targetTrue! }]));
  const nll = t.map((x) => -x.reduce((s, y) => s + y.logprob, 0) / x.length);
  return reqs.filter((_r, i) => nll[2 * i]! < nll[2 * i + 1]!).length / reqs.length;
}

describe.skipIf(!haveModel)('locate-then-edit methods on tiny-gpt2 (skipped when models/tiny-gpt2 is absent)', () => {
  let records: RewriteRequest[];
  beforeAll(async () => {
    await initBackend();
    const c = await loadCheckpoint(join(ROOT, 'models/tiny-gpt2'));
    const editLayer = readEditLayer(join(ROOT, 'models/tiny-gpt2')); // the model card's traced layer (0)
    model = { transformer: Transformer.fromWeights(c.config, c.weights), tokenizer: c.tokenizer!, ...(editLayer === undefined ? {} : { editLayer }) };
    for (const w of c.weights.values()) w.dispose();
    corpus = worldSource(1, 'default').corpus;
    records = (await worldCounterfact.load({ worldSeed: 1, worldSize: 'default', n: 60, offset: 0 }, { seed: 0, specDir: ROOT })).map((r) => r.request as RewriteRequest);
  }, SLOW.timeout);
  afterAll(() => {
    model?.transformer.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, SLOW.timeout);

  it('ROME: the new target becomes the top-1 continuation, an unrelated fact keeps its prediction, undo is bit-exact', SLOW, async () => {
    const rome = methodById('rome');
    const params = { mom2NSamples: SAMPLES };
    const prepared = await prepare(rome, params);
    expect(prepared['key-stats']!.value).toMatchObject({ enabled: true, layers: [0], nSamples: SAMPLES, requestedSamples: SAMPLES, corpusDocuments: corpus.length });
    const r = records[0]!;
    const other = records.find((x) => x.subject !== r.subject && x.relationId !== r.relationId)!;
    const before = weights();
    const otherTop = top1(other.prompt);
    expect(top1(r.prompt)).not.toBe(model.tokenizer.encode(r.targetNew)[0]);
    const res = rome.apply(model, [r], params, { seed: 0, prepared });
    expect(changed(before, weights())).toEqual(['blocks.0.mlp.W_out']); // the model card's traced layer (models/tiny-gpt2/edit-layer.json)
    expect(top1(r.prompt)).toBe(model.tokenizer.encode(r.targetNew)[0]);
    expect(top1(other.prompt)).toBe(otherTop);
    res.undo();
    expect(changed(before, weights())).toEqual([]);
    expect(() => rome.apply(model, records.slice(0, 2), params, { seed: 0, prepared })).toThrow(/rome: 2 requests in one apply\(\)/);
  });

  it('MEMIT: a batch of 50 edits takes in one apply (39/50 measured; the 90% target is not reached, docs/locate-then-edit.md); undo is bit-exact', SLOW, async () => {
    const memit = methodById('memit');
    // λ = mom2_update_weight: the reference 20000 keeps these 512-wide keys almost unchanged (docs/locate-then-edit.md);
    // this test checks the batch mechanics at a λ where the keys' own term dominates, with the target values of
    // EasyEdit's MEMIT Llama-2 preset (clamp_norm_factor 4, v_weight_decay 1e-3; GPT-2 XL's 0.75 / 0.5 give 39/50).
    const params = { mom2UpdateWeight: 1, clampNormFactor: 4, vWeightDecay: 1e-3 };
    const prepared = await memitPrepared();
    expect(prepared['key-stats']!.value).toMatchObject({ enabled: true, layers: [0, 1], nSamples: SAMPLES, requestedSamples: SAMPLES });
    const batch = records.slice(0, 50);
    const before = weights();
    expect(efficacy(batch)).toBeLessThan(0.1);
    const res = memit.apply(model, batch, params, { seed: 0, prepared });
    expect(changed(before, weights())).toEqual(['blocks.0.mlp.W_out', 'blocks.1.mlp.W_out']);
    expect(efficacy(batch)).toBeGreaterThanOrEqual(0.75);
    res.undo();
    expect(changed(before, weights())).toEqual([]);
  });

  it("AlphaEdit: ‖K₀ᵀΔW‖ on the preserved keys is within the bound of the discarded spectrum; sequential edits undo bit-exactly", SLOW, async () => {
    const alpha = methodById('alphaedit');
    const params = { l2: 0.1, layers: [1] };
    // AlphaEdit's stages are MEMIT's (the same inputs for the same layers and samples); MEMIT's artifacts hold layer 1.
    const memit = methodById('memit');
    expect(alpha.stages.map((s) => [s.name, s.inputs(params)])).toEqual(memit.stages.map((s) => [s.name, s.inputs({ layers: [1] })]));
    const prepared = await memitPrepared();
    const m = model.transformer.config.dMlp;
    const d = model.transformer.config.dModel;
    // K₀: the preserved keys, the stage's N corpus tokens at layer 1; C = K₀K₀ᵀ/N is the stage's file.
    const stats = prepared['key-stats']!;
    const { file, nTokens: N } = stats.value as { file: string; nTokens: number };
    const c = deserializeKeyStats(new Uint8Array(readFileSync(join(stats.dir, file)))).mom2.get(1)!;
    const { values } = eigh(mat(c, m, m));
    const discarded = [...values].filter((v) => v < 2e-2);
    expect(discarded.length).toBeGreaterThan(50); // a real null space at the reference threshold

    const batch = records.slice(0, 10);
    const w0 = weights();
    const res = alpha.apply(model, batch, params, { seed: 0, prepared });
    const w1 = weights();
    expect(changed(w0, w1)).toEqual(['blocks.1.mlp.W_out']);
    expect(efficacy(batch)).toBeGreaterThan(0);
    const a = w0.get('blocks.1.mlp.W_out')!;
    const b = w1.get('blocks.1.mlp.W_out')!;
    const dw = Float64Array.from(b, (x, i) => x - a[i]!); // ΔW as stored: the update Δ plus float32 rounding e
    // ‖K₀ᵀΔW‖_F² = N·tr(ΔWᵀ C ΔW). For Δ = PΔ (P: the eigenvectors of C below the threshold),
    // ‖K₀ᵀΔ‖_F ≤ √(N·λ_max discarded)·‖Δ‖_F. The rounding e (|e_ij| ≤ ulp(W'_ij)/2 + 2⁻²⁴|ΔW_ij|: Δ to float32,
    // then W + Δ) is not in P's range: ‖K₀ᵀe‖_F ≤ √(N·λ_max(C))·‖e‖_F.
    let e2 = 0;
    for (let i = 0; i < dw.length; i++) {
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(b[i]!) || 2 ** -126)) - 23);
      e2 += (ulp / 2 + 2 ** -24 * Math.abs(dw[i]!)) ** 2;
    }
    const eNorm = Math.sqrt(e2);
    const dwNorm = Math.sqrt(dw.reduce((s, v) => s + v * v, 0));
    let tr = 0; // tr(ΔWᵀ C ΔW) = Σ_j (ΔW[:, j])ᵀ C ΔW[:, j]
    for (let j = 0; j < d; j++) {
      for (let i = 0; i < m; i++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += c[i * m + k]! * dw[k * d + j]!;
        tr += dw[i * d + j]! * s;
      }
    }
    const lhs = Math.sqrt(N * tr);
    const lMax = values[m - 1]!;
    const bound = Math.sqrt(N * discarded[discarded.length - 1]!) * (dwNorm + eNorm) + Math.sqrt(N * lMax) * eNorm;
    expect(lhs).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(Math.sqrt(N * lMax) * dwNorm / 10); // the bound constrains: an update along K₀'s top direction would be ≥ 10× larger
    // Sequential: a second batch sees the first's keys (C_p); undoing both, last first, restores every bit.
    const res2 = alpha.apply(model, records.slice(10, 20), params, { seed: 0, prepared });
    res2.undo();
    expect(changed(w1, weights())).toEqual([]);
    res.undo();
    expect(changed(w0, weights())).toEqual([]);
    // With C_p restored, the same first batch gives the same weights again.
    const again = alpha.apply(model, batch, params, { seed: 0, prepared });
    expect(changed(w1, weights())).toEqual([]);
    again.undo();
  });
});

describe.skipIf(!haveModel || !existsSync(SHARED))('ROME through the runner on the real CounterFact dev file (skipped without ../shared/data)', () => {
  const ws = tmpWorkspace();
  afterAll(() => ws.cleanup());

  it('edits records that fit the 64-token window, or fails the cell with a clear error, never crashes', SLOW, async () => {
    ws.write({
      'spec.yaml': editSpec({
        name: 't', dataset: `{ dataset: edit-file, label: cf, params: { path: ${join(SHARED, 'counterfact/counterfact-rome-format.dev.json')}, n: 2 } }`,
        methods: [`{ method: rome, label: ROME, params: { mom2NSamples: ${SAMPLES} } }`], metrics: ['efficacy', 'prepare-bytes'],
      }),
    });
    await runExperiment(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws, { renderer: 'silent' });
    // the paper's columns (the bootstrap interval columns left out: testing/csv.ts)
    const lines = paperColumns(readFileSync(join(ws.resultsDir, 't.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('model,dataset,method,hparams,protocol,n,efficacy,prepare-bytes,status,error');
    const row = lines[1]!.split(',');
    if (row[8] === 'ok') expect(Number(row[6])).toBeGreaterThanOrEqual(50);
    else expect(lines[1]).toMatch(/longer than the model's 64-token window/);
  });
});
