// The fixed MLP ranking the specs use as a location: zero-ablate each layer's MLP output
// (blocks.l.hook_mlp_out) and measure the drop in log p(first token of targetTrue | rewrite prompt),
// averaged over the fixture records. Also prints the unedited models' fractions (efficacy 0, locality 1).
//   node --import tsx packages/engine/src/methods/scripts/probe.ts
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../backend/index';
import { runWithHooks } from '../../hooks/run';
import { hookName } from '../../hooks/names';
import { loadDefaultModel, scoreRecord, fractions } from '../testing/harness';
import { CF_RECORDS } from '../testing/cf-records';
await initBackend();
for (const name of ['tiny-gpt2', 'tiny-llama'] as const) {
  const m = await loadDefaultModel(name);
  console.log(name, 'pre', fractions(CF_RECORDS.map((r) => scoreRecord(m, r))));
  // MLP zero-ablation: drop in log p(true first token) per layer, averaged over records
  const L = m.transformer.config.nLayers;
  const drops = new Array(L).fill(0);
  for (const r of CF_RECORDS) {
    const ids = [ ...(m.tokenizer.bosId !== undefined ? [m.tokenizer.bosId] : []), ...m.tokenizer.encode(r.prompt)];
    const t = m.tokenizer.encode(r.targetTrue)[0]!;
    const lp = (patch?: number) => tf.tidy(() => {
      const x = tf.tensor2d([ids], [1, ids.length], 'int32');
      const logits = patch === undefined ? m.transformer.forward(x) : runWithHooks(m.transformer, x, { [hookName.mlpOut(patch)]: (a: tf.Tensor) => tf.zerosLike(a) });
      return tf.logSoftmax(logits.slice([0, ids.length - 1, 0], [1, 1, -1]).reshape([-1])).dataSync()[t]!;
    });
    const base = lp();
    for (let l = 0; l < L; l++) drops[l] += (base - lp(l)) / CF_RECORDS.length;
  }
  console.log(name, 'ablation drops', drops.map((x) => x.toFixed(2)));
}
