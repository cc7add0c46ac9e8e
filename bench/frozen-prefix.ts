// The frozen prefix A/B (issue 18; model/prefix.ts): the default FT edit (one MLP's W_out, up to 25 steps) on
// the world's CounterFact records, with the training loop resuming each step after the frozen activations
// (the default) and with full passes (Transformer.freezePrefix switched off in this process only). Prints
// the median ms per optimizer step of each way, alternated record by record, and whether the learn losses
// and the edited weights of every record are bit-identical between them.
// node --import tsx bench/frozen-prefix.ts [--model=tiny-gpt2] [--records=12]
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultParams, ft, initBackend, loadCheckpoint, Transformer, type EditModel } from '@editlab/engine';
import { jobRecords } from './job-bench';
import { median } from './sizes';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const get = (n: string, d: string) => process.argv.find((a) => a.startsWith(`--${n}=`))?.split('=')[1] ?? d;
await initBackend();
const name = get('model', 'tiny-gpt2');
const ck = await loadCheckpoint(join(ROOT, 'models', name));
const model: EditModel = { transformer: Transformer.fromWeights(ck.config, ck.weights), tokenizer: ck.tokenizer! };
const params = defaultParams(ft);
const freeze = Transformer.prototype.freezePrefix;
const ways = { resumed: [] as number[], full: [] as number[] };
const digest = { resumed: createHash('sha256'), full: createHash('sha256') };
const records = jobRecords(Number(get('records', '12')) + 1);
for (const [i, r] of records.entries()) {
  for (const way of i % 2 ? (['full', 'resumed'] as const) : (['resumed', 'full'] as const)) {
    Transformer.prototype.freezePrefix = way === 'resumed' ? freeze : () => undefined;
    const t0 = performance.now();
    const e = ft.apply(model, [{ prompt: r.prompt, subject: r.subject, targetNew: r.targetNew, targetTrue: r.targetTrue, relationId: r.relationId }], params, { seed: 0 });
    const ms = performance.now() - t0;
    const losses = e.stats.losses?.['learn'] ?? [];
    digest[way].update(JSON.stringify(losses)).update(Buffer.from(model.transformer.param(`blocks.${params['layer']}.mlp.W_out`).dataSync().buffer));
    e.undo();
    if (i > 0) ways[way].push(ms / Math.max(1, losses.length)); // record 0 warms up
  }
}
Transformer.prototype.freezePrefix = freeze;
const [a, b] = [median(ways.full), median(ways.resumed)];
console.log(`${name}, ${records.length - 1} records: full passes ${a.toFixed(2)} ms/step, resumed after the frozen prefix ${b.toFixed(2)} ms/step (ratio ${(a / b).toFixed(2)})`);
console.log(`losses and edited weights bit-identical: ${digest.full.digest('hex') === digest.resumed.digest('hex') ? 'yes' : 'NO'}`);
model.transformer.dispose();
