// Sizes and render time of the world presets (numbers in packages/datasets/README.md).
// Usage, from the repo root: node --import tsx bench/measure-world.ts
import { buildWorld, renderFiles, renderCorpus, factProbes } from '@editlab/datasets';
for (const [size, version] of [['tiny', 1], ['default', 1], ['tiny', 2], ['default', 2]] as const) {
  const t = performance.now();
  const w = buildWorld(1, size, {}, { version });
  const files = renderFiles(w);
  const ms = performance.now() - t;
  const corpus = renderCorpus(w);
  const total = [...files.values()].reduce((a, v) => a + Buffer.byteLength(v), 0);
  const subjNames = [...new Set(w.facts.map((f) => w.entity(f.subject).name))];
  const avgLen = subjNames.reduce((a, n) => a + n.length, 0) / subjNames.length;
  console.log(JSON.stringify({ size, version, ms: Math.round(ms), entities: w.entities.length, facts: w.facts.length, relations: new Set(w.facts.map((f) => f.relation)).size,
    corpusDocs: corpus.length, corpusBytes: Buffer.byteLength(corpus.join('\n')), files: files.size, totalBytes: total,
    cf: w.benchmark.counterfact.length, zsre: w.benchmark.zsre.length, ripple: w.benchmark.ripple.length, tofu: w.benchmark.tofu.length, mmlu: w.benchmark.mmlu.length,
    contracts: w.contracts.length, absent: w.absent.length, heldOutProbes: factProbes(w).heldOut.length, avgSubjectNameChars: avgLen.toFixed(1) }));
}
