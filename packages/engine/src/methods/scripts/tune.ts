// Tuning sweep for the methods' defaults on the committed tiny models and the fixture records:
//   [TUNE_RECORDS=records.json] node --import tsx packages/engine/src/methods/scripts/tune.ts <tiny-gpt2|tiny-llama> <method> '<params JSON>' ['<ranking JSON>']
// Prints efficacy / generalization / locality fractions (MEMIT-protocol NLL comparisons), the harmonic
// mean, mean steps and wall ms per edit. Each record is edited on the fresh model and undone.
import { readFileSync } from 'node:fs';
import { initBackend } from '../../backend/index';
import { CF_RECORDS, type CfRecord } from '../testing/cf-records';
import { fixedLocation, fractions, loadDefaultModel, scoreRecord, toRequest } from '../testing/harness';
import { methodById } from '../registry';

await initBackend();
const [modelName = 'tiny-gpt2', id = 'forget', paramsJson = '{}', rankingJson = '[0,1,3,2]'] = process.argv.slice(2);
const model = await loadDefaultModel(modelName as 'tiny-gpt2');
const def = methodById(id);
const params = JSON.parse(paramsJson) as Record<string, unknown>;
const ctx = { seed: 1, prepared: fixedLocation(JSON.parse(rankingJson) as number[]) };
// TUNE_RECORDS=<file.json>: tune on other records (e.g. 50 more rendered from the world) than the specs use.
const records: readonly CfRecord[] = process.env.TUNE_RECORDS ? (JSON.parse(readFileSync(process.env.TUNE_RECORDS, 'utf8')) as CfRecord[]) : CF_RECORDS;
const scores = [];
let ms = 0;
let steps = 0;
for (const r of records) {
  const res = def.apply(model, [toRequest(r)], params, ctx);
  scores.push(scoreRecord(model, r));
  res.undo();
  ms += res.stats.wallMs;
  steps += (res.stats.losses?.learn?.length ?? 0) + (res.stats.losses?.forget?.length ?? 0);
}
const f = fractions(scores);
const h = 3 / (1 / Math.max(f.efficacy, 1e-9) + 1 / Math.max(f.generalization, 1e-9) + 1 / Math.max(f.locality, 1e-9));
console.log(JSON.stringify({ model: modelName, id, params, eff: f.efficacy, gen: f.generalization, loc: f.locality, score: +h.toFixed(3), steps: steps / records.length, msPerEdit: +(ms / records.length).toFixed(0) }));
