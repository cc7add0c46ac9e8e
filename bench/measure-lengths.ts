// Longest record of every real dataset file in ../shared/data (and of the world's files) under the
// default models' tokenizer, and the version 2 world corpus size in tokens (numbers in packages/datasets/README.md).
// Usage (repo root): node --import tsx bench/measure-lengths.ts [../shared/data] [model, default tiny-gpt2]
// A measuring tool, not part of the package: it borrows the engine's BPE loader to count tokens the
// way the runner does (models/<name>/tokenizer.json, packages/runner/src/adapters/models.ts).
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadTokenizer } from '@editlab/engine';
import { buildWorld, loadDataset, longestSequences, parseDataset, renderCorpus, renderFiles, type FormatName } from '@editlab/datasets';

const root = resolve(import.meta.dirname, '..');
const shared = resolve(process.argv[2] ?? join(root, '../shared/data'));
const model = process.argv[3] ?? 'tiny-gpt2';
const tok = loadTokenizer(join(root, 'models', model, 'tokenizer.json'));
console.log(`tokenizer: models/${model}/tokenizer.json`);
const count = (t: string): number => tok.encode(t).length;

const files = (dir: string): string[] => readdirSync(dir).sort().flatMap((n) => {
  const p = join(dir, n);
  if (statSync(p).isDirectory()) return n === 'test' || n === 'dev' ? [p] : files(p);
  return n.endsWith('.json') ? [p] : [];
});
const row = (name: string, format: string, r: ReturnType<typeof longestSequences>): void => {
  const l = r.longest;
  const g = r.longestGenerationPrompt;
  console.log(`| ${name} | ${format} | ${r.records} | ${l?.tokens ?? '–'} | ${l ? `${l.field}: ${JSON.stringify(l.text.length > 70 ? `${l.text.slice(0, 70)}…` : l.text)}` : ''} | ${g?.tokens ?? '–'} |`);
};
console.log('| file | format | records | longest prompt+target (tokens) | which | longest generation prompt |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const f of files(shared)) {
  const d = loadDataset(f);
  row(relative(shared, f), d.format, longestSequences(d.records, count));
}
for (const version of [1, 2] as const) {
  const w = buildWorld(1, 'default', {}, { version });
  const rendered = renderFiles(w);
  const formats: [string, FormatName][] = [
    ['counterfact/counterfact.json', 'counterfact-rome'], ['zsre/zsre_mend_eval_portability.json', 'zsre-mend'], ['rippleedits/random.json', 'rippleedits'],
    ['tofu/world_perturbed.json', 'tofu'], ['tofu/retain_perturbed.json', 'tofu'], ['pistol/sample_data.json', 'pistol'], ['refusal/refusal_qa.json', 'tofu'],
    ...[...rendered.keys()].filter((k) => k.startsWith('mmlu/')).map((k): [string, FormatName] => [k, 'mmlu-csv']),
    ...(version === 2 ? [
      ['knowedit/wiki_counterfact.json', 'knowedit'], ['knowedit/wiki_recent.json', 'knowedit'], ['tuning/counterfact.json', 'counterfact-rome'],
      ['tuning/zsre_mend_train.json', 'zsre-mend'], ['tuning/tofu_perturbed.json', 'tofu'],
    ] as [string, FormatName][] : []),
  ];
  for (const [p, format] of formats) row(`world v${version} ${p}`, format, longestSequences(parseDataset(rendered.get(p)!, format, p).records, count));
  const docs = renderCorpus(w);
  const tokens = docs.reduce((a, d) => a + count(d), 0);
  const longestDoc = Math.max(...docs.map(count));
  console.log(`world v${version} corpus: ${docs.length} documents, ${Buffer.byteLength(docs.join('\n'))} bytes, ${tokens} tokens (+${docs.length} EOS), longest document ${longestDoc} tokens`);
}
