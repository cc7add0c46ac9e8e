// Why do the memory-based editors (SERAC, LTE, RECIPE) edit the tuning split's records but not the benchmark's?
// (issue 15, docs/memory-editors.md "Diagnosis"). For each method, its stages train here on the tuning split's
// first --train records (with --params), each record is edited alone on the bare model, and the script reports,
// on records the side models trained on ("fit"), on held-out tuning records and on benchmark records:
//   routed   the edit's own prompt reaches the side model with the edit (SERAC: in scope; LTE: its fact is
//            retrieved into the template; RECIPE: its vectors beat the sentinel);
//   eff      the CounterFact comparison on the prompt (new target more likely than the true one);
//   eff|rt   efficacy among the routed prompts: does the side model apply the edit once it has it?
//   para-rt  paraphrases routed;  nb-rt  neighbourhood prompts routed (should be none).
//   node --import tsx bench/memory-diagnose.ts [--train 150] [--n 30] [--model tiny-llama] [--methods serac,lte,recipe] [--params '{"serac":{…}}']
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, loadCheckpoint, methodById, scoreContinuations, Transformer, type EditModel, type RewriteRequest } from '@editlab/engine';
import { defaultRegistries } from '@editlab/runner';

const worldCounterfact = defaultRegistries().datasets.get('world-counterfact')!;

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: {
  model: { type: 'string', default: 'tiny-llama' }, n: { type: 'string', default: '30' },
  methods: { type: 'string', default: 'serac,lte,recipe' }, offset: { type: 'string', default: '0' },
  train: { type: 'string', default: '150' }, params: { type: 'string', default: '{}' },
} });
const n = Number(values.n);
const trainN = Number(values.train);
const methodParams = JSON.parse(values.params!) as Record<string, Record<string, unknown>>;

await initBackend();
const ck = await loadCheckpoint(join(ROOT, 'models', values.model!));
const model: EditModel = { transformer: Transformer.fromWeights(ck.config, ck.weights), tokenizer: ck.tokenizer! };
const tok = model.tokenizer;
const ids = (p: string) => (tok.bosId === undefined ? tok.encode(p) : [tok.bosId, ...tok.encode(p)]);
const ctx = { seed: 0, specDir: ROOT };
const offset = Number(values.offset);
const allTuning = await worldCounterfact.tuning!({ world: 2 }, ctx);
const splits = {
  fit: await worldCounterfact.load({ world: 2, split: 'tuning', n: Math.min(n, trainN), offset: 0 }, ctx),
  holdout: await worldCounterfact.load({ world: 2, split: 'tuning', n, offset: trainN }, ctx),
  benchmark: await worldCounterfact.load({ world: 2, n, offset }, ctx),
};

/** Run the method's stages here on the tuning split's first --train records, with its --params. */
async function train(method: string, params: Record<string, unknown>) {
  const def = methodById(method);
  const out: Record<string, { value: unknown; dir: string }> = {};
  for (const s of def.stages) {
    const dir = mkdtempSync(join(tmpdir(), `diag-${method}-`));
    const t0 = performance.now();
    out[s.name] = { value: await s.run(model, params, { seed: 0, dir, tuning: allTuning.slice(0, trainN) }), dir };
    console.log(method, s.name, ((performance.now() - t0) / 1000).toFixed(0), 's', JSON.stringify(out[s.name]!.value).slice(0, 300));
  }
  return out;
}

function wins(prompts: readonly string[], r: RewriteRequest): boolean[] {
  const s = scoreContinuations(model.transformer, tok, prompts.flatMap((p) => [{ prompt: p, continuation: r.targetNew }, { prompt: p, continuation: r.targetTrue! }]));
  const nll = s.map((t) => -t.reduce((a, x) => a + x.logprob, 0) / t.length);
  return prompts.map((_, i) => nll[2 * i]! < nll[2 * i + 1]!);
}

/** Did this prompt reach the side model with an edit? */
function routed(method: string, p: string): boolean {
  const d = model.transformer.routeFor(ids(p));
  if (!d) return false;
  if (method === 'serac') return d.model !== undefined;
  if (method === 'lte') return d.ids !== undefined;
  return d.embeds !== undefined;
}

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(0).padStart(4) : '   -');
console.log('method  split      params                 routed  eff  eff|rt  para-rt para-eff  nb-rt');
const variants: Record<string, Record<string, unknown>[]> = {
  serac: [{}, { threshold: 1e-6 }], lte: [{}, { minSimilarity: -1 }], recipe: [{}],
};
for (const method of values.methods!.split(',')) {
  const def = methodById(method);
  const prep = await train(method, methodParams[method] ?? {}); // the variants below change no stage input
  for (const extra of variants[method]!) {
    const params = { ...methodParams[method], ...extra };
    for (const [split, recs] of Object.entries(splits)) {
      let rt = 0, eff = 0, effRt = 0, pRt = 0, pN = 0, pEff = 0, nRt = 0, nN = 0;
      for (const rec of recs) {
        const r = rec.request as RewriteRequest;
        const data = rec.data as unknown as { paraphrasePrompts: string[]; neighborhood: { prompt: string }[] };
        const res = def.apply(model, [r], params, { seed: 0, prepared: prep });
        const own = routed(method, r.prompt);
        const win = wins([r.prompt], r)[0]!;
        rt += own ? 1 : 0; eff += win ? 1 : 0; effRt += own && win ? 1 : 0;
        for (const p of data.paraphrasePrompts) pRt += routed(method, p) ? 1 : 0;
        pEff += wins(data.paraphrasePrompts, r).filter(Boolean).length;
        pN += data.paraphrasePrompts.length;
        for (const nb of data.neighborhood) nRt += routed(method, nb.prompt) ? 1 : 0;
        nN += data.neighborhood.length;
        res.undo();
      }
      console.log(`${method.padEnd(7)} ${split.padEnd(10)} ${JSON.stringify(extra).padEnd(22)} ${pct(rt, recs.length)}  ${pct(eff, recs.length)}  ${pct(effRt, rt)}    ${pct(pRt, pN)}    ${pct(pEff, pN)}   ${pct(nRt, nN)}`);
    }
  }
}
