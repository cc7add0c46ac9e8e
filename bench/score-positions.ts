// Scoring at the scored positions (issue 18; docs/engine-speed.md): the forward pass's `positions` option
// unembeds only the positions a teacher-forced score reads. This checks, on the committed default models and the
// world-counterfact records' probes packed as the runner packs them, that those rows equal the full pass's rows
// bit for bit, and prints the CPU time of a scoring pass both ways (CPU time, so a loaded machine skews it less).
//   node --import tsx bench/score-positions.ts [--records=30]
import * as tf from '@tensorflow/tfjs';
import { initBackend, loadCheckpoint, Transformer } from '@editlab/engine';
import { buildWorld, parseDataset, renderCounterFact, type EditRecord } from '@editlab/datasets';
import { loadavg } from 'node:os';

const records = Number(process.argv.find((a) => a.startsWith('--records='))?.split('=')[1] ?? 30);
await initBackend();
for (const name of ['tiny-gpt2', 'tiny-llama']) {
  const ck = await loadCheckpoint(new URL(`../models/${name}`, import.meta.url).pathname);
  const m = Transformer.fromWeights(ck.config, ck.weights);
  const tok = ck.tokenizer!;
  // the quickstart's records: world-counterfact of the default world (as bench/job-bench.ts)
  const recs = (parseDataset(JSON.stringify(renderCounterFact(buildWorld(1, 'default'))), 'counterfact-rome', 'world-counterfact').records as EditRecord[]).slice(0, records);
  const pairs = recs.flatMap((r) =>
    [r.prompt, ...r.paraphrasePrompts, ...r.neighborhood.map((n) => n.prompt)].flatMap((p) => [r.targetNew, r.targetTrue!].map((t) => ({ p: tok.encode(p), c: tok.encode(t) }))));
  for (const batch of [16, 128]) {
    let differ = 0;
    let scored = 0;
    const cpu = { full: 0, positions: 0 };
    for (let at = 0; at < pairs.length; at += batch) {
      const chunk = pairs.slice(at, at + batch);
      const seqs = chunk.map((x) => [...(tok.bosId === undefined ? [] : [tok.bosId]), ...x.p, ...x.c]);
      const T = Math.max(...seqs.map((s) => s.length));
      const positions = chunk.flatMap((x, b) => x.c.map((_, j) => b * T + seqs[b]!.length - x.c.length + j - 1));
      const ids = tf.tensor2d(seqs.map((s) => [...s, ...Array<number>(T - s.length).fill(tok.padId)]), [seqs.length, T], 'int32');
      let c0 = process.cpuUsage();
      const full = tf.tidy(() => tf.gather(tf.reshape(m.forward(ids), [seqs.length * T, -1]), tf.tensor1d(positions, 'int32')));
      const f = full.dataSync() as Float32Array;
      let c = process.cpuUsage(c0);
      cpu.full += (c.user + c.system) / 1000;
      c0 = process.cpuUsage();
      const some = m.forward(ids, { positions });
      const s = some.dataSync() as Float32Array;
      c = process.cpuUsage(c0);
      cpu.positions += (c.user + c.system) / 1000;
      for (let i = 0; i < f.length; i++) if (Object.is(f[i], s[i]) === false) differ++;
      scored += f.length;
      tf.dispose([ids, full, some]);
    }
    console.log(`${name} batch ${batch}: ${pairs.length} probes, ${scored} logits compared, ${differ} differ; CPU ms full ${cpu.full.toFixed(0)}, positions ${cpu.positions.toFixed(0)} (ratio ${(cpu.full / cpu.positions).toFixed(2)}; load avg ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  }
  m.dispose();
}
