// How stable are ForGet's located MLP layers across batches of facts? (issue 7, docs/forget.md)
// For each default model and each relation of the world, EAP-IG locates (engine locateMlps, default
// options) on `--batches` disjoint batches of `--size` facts of that relation (in-corpus statement
// templates, the facts the model knows), and the script writes one CSV row per batch plus a summary:
// how often two batches of the same relation agree on the top-1 MLP and on the top-2 set.
//   node --import tsx bench/locate-stability.ts [--batches 4] [--size 16] [--seed 0]
//     → results/forget/locate-stability.csv (deterministic for the seed)
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { buildWorld, factProbes } from '@editlab/datasets';
import { initBackend, loadCheckpoint, locateMlps, Transformer, type LocateFact } from '@editlab/engine';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({ options: { batches: { type: 'string', default: '4' }, size: { type: 'string', default: '16' }, seed: { type: 'string', default: '0' } } });
const nBatches = Number(values.batches);
const size = Number(values.size);
const seed = Number(values.seed);

await initBackend();
const w = buildWorld(1, 'default');
// One probe per fact (its first in-corpus statement template), grouped by relation, in world order.
const byRelation = new Map<string, LocateFact[]>();
const seen = new Set<string>();
for (const p of factProbes(w).train) {
  if (seen.has(p.fact)) continue;
  seen.add(p.fact);
  const f = w.fact(p.fact);
  byRelation.set(f.relation, [...(byRelation.get(f.relation) ?? []), { prompt: p.prompt, subject: w.entity(f.subject).name, target: ` ${p.target}` }]);
}

const rows: (string | number)[][] = [['model', 'relation', 'batch', 'facts', 'ranking', 'degree', 'circuit_edges']];
const summary: string[] = [];
for (const name of ['tiny-gpt2', 'tiny-llama']) {
  // The committed checkpoint, loaded as the runner's `embedded` model entry loads it.
  const ck = await loadCheckpoint(join(ROOT, 'models', name));
  const m = { transformer: Transformer.fromWeights(ck.config, ck.weights), tokenizer: ck.tokenizer! };
  for (const w of ck.weights.values()) w.dispose();
  let pairs = 0;
  let top1 = 0;
  let top2 = 0;
  const sets = new Map<string, number>();
  for (const [relation, facts] of [...byRelation.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const rankings: number[][] = [];
    for (let b = 0; b < nBatches && (b + 1) * size <= facts.length; b++) {
      const batch = facts.slice(b * size, (b + 1) * size);
      let r;
      try {
        r = locateMlps(m, batch, facts, { seed, maxFacts: size });
      } catch {
        continue; // no corruption partner of equal token length in this batch
      }
      rankings.push(r.mlpRanking);
      const set = `{${[...r.mlpRanking.slice(0, 2)].sort().join(',')}}`;
      sets.set(set, (sets.get(set) ?? 0) + 1);
      rows.push([name, relation, b, r.nFacts, r.mlpRanking.join(' '), r.mlpDegree.join(' '), r.circuit.edges]);
    }
    for (let i = 0; i < rankings.length; i++) {
      for (let j = i + 1; j < rankings.length; j++) {
        pairs++;
        if (rankings[i]![0] === rankings[j]![0]) top1++;
        if ([...rankings[i]!.slice(0, 2)].sort().join() === [...rankings[j]!.slice(0, 2)].sort().join()) top2++;
      }
    }
  }
  const total = [...sets.values()].reduce((a, b) => a + b, 0);
  const dist = [...sets.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, v]) => `${k} ${(100 * v / total).toFixed(0)}%`).join(', ');
  summary.push(`${name}: ${pairs} batch pairs within a relation; same top-1 MLP ${(100 * top1 / pairs).toFixed(1)}%, same top-2 set ${(100 * top2 / pairs).toFixed(1)}%; top-2 sets over all ${total} batches: ${dist}`);
  m.transformer.dispose();
}
const out = join(ROOT, 'results/forget/locate-stability.csv');
writeFileSync(out, stringify(rows, { record_delimiter: 'unix' }));
console.log(summary.join('\n'));
console.log(`wrote ${out}`);
