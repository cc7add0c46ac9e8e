// Can a frozen default model be steered by P continuous prompt vectors at all? RECIPE (Chen et al. 2024)
// amortises per-edit prompt vectors through a trained encoder; this script skips the encoder and optimises the
// P vectors of each edit directly (prompt tuning on the edit's own prompt, the LM frozen), then applies the
// CounterFact comparisons with those vectors before the query: the prompt (efficacy) and its paraphrases
// (generalization). If even optimised vectors do not carry an edit, RECIPE's design cannot work on the model;
// if they do, its encoder is what fails (docs/memory-editors.md "Diagnosis").
//   node --import tsx bench/prefix-oracle.ts [--model tiny-llama] [--n 20] [--steps 200] [--lr 0.01] [--P 3]
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { disposeBatch, embedHooks, initBackend, loadCheckpoint, makeBatch, nextTokenNll, Transformer, type RewriteRequest, type TokenExample } from '@editlab/engine';
import { defaultRegistries } from '@editlab/runner';

const worldCounterfact = defaultRegistries().datasets.get('world-counterfact')!;

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: {
  model: { type: 'string', default: 'tiny-llama' }, n: { type: 'string', default: '20' }, steps: { type: 'string', default: '200' },
  lr: { type: 'string', default: '0.01' }, P: { type: 'string', default: '3' },
} });
const [n, steps, lr, P] = [Number(values.n), Number(values.steps), Number(values.lr), Number(values.P)];

await initBackend();
const ck = await loadCheckpoint(join(ROOT, 'models', values.model!));
const lm = Transformer.fromWeights(ck.config, ck.weights);
const tok = ck.tokenizer!;
const ids = (p: string) => (tok.bosId === undefined ? tok.encode(p) : [tok.bosId, ...tok.encode(p)]);
const seq = (q: string, target: string): TokenExample => {
  const prompt = [...Array.from({ length: P }, () => tok.padId), ...ids(q)];
  return { ids: [...prompt, ...tok.encode(target)], lossFrom: prompt.length };
};
/** Mean NLL per target token of each example, with the vectors over the placeholders. */
function nll(vectors: tf.Tensor2D, ex: readonly TokenExample[]): number[] {
  return ex.map((e) => {
    const b = makeBatch([e], tok.padId);
    const v = nextTokenNll(lm, b, { hooks: embedHooks([{ start: 0, vectors }], [0]) }).dataSync()[0]!;
    disposeBatch(b);
    return v;
  });
}
const std = tf.tidy(() => tf.moments(lm.param('embed.W_E')).variance.sqrt().dataSync()[0]!);
const ctx = { seed: 0, specDir: ROOT };
for (const [split, recs] of [
  ['tuning 150-', await worldCounterfact.load({ world: 2, split: 'tuning', n, offset: 150 }, ctx)],
  ['benchmark', await worldCounterfact.load({ world: 2, n, offset: 0 }, ctx)],
] as const) {
  let eff = 0, gen = 0, genN = 0, lossSum = 0;
  for (const rec of recs) {
    const r = rec.request as RewriteRequest;
    const para = (rec.data as unknown as { paraphrasePrompts: string[] }).paraphrasePrompts;
    const v = tf.variable(tf.randomNormal([P, lm.config.dModel], 0, std, 'float32', 7));
    const opt = tf.train.adam(lr);
    const train = makeBatch([seq(r.prompt, r.targetNew)], tok.padId);
    let last = 0;
    for (let s = 0; s < steps; s++) {
      const loss = opt.minimize(() => nextTokenNll(lm, train, { hooks: embedHooks([{ start: 0, vectors: v as unknown as tf.Tensor2D }], [0]) }), true, [v])!;
      last = loss.dataSync()[0]!;
      loss.dispose();
    }
    disposeBatch(train);
    lossSum += last;
    const cmp = (q: string) => { const [a, b] = nll(v as unknown as tf.Tensor2D, [seq(q, r.targetNew), seq(q, r.targetTrue!)]); return a! < b!; };
    eff += cmp(r.prompt) ? 1 : 0;
    for (const q of para) gen += cmp(q) ? 1 : 0;
    genN += para.length;
    v.dispose();
    opt.dispose();
  }
  console.log(`${values.model} ${split}: P=${P}, ${steps} steps at lr ${lr}: final NLL ${(lossSum / recs.length).toFixed(3)}, efficacy ${(100 * eff / recs.length).toFixed(0)}%, generalization ${(100 * gen / genN).toFixed(0)}% (n=${recs.length})`);
}
