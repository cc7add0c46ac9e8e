// Compare this package's ROUGE tokenizer (stemmer package) and wordTokenize with NLTK on the real
// dev data in ../shared/data (TOFU, PISTOL questions/answers, CounterFact prompts).
// Run from the repo root: node --import tsx bench/nltk-compare.ts   (needs python3 with nltk; PYTHON=/usr/bin/python3 for Debian's python3-nltk)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rougeTokenize, wordTokenize } from '@editlab/metrics';

const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const texts: string[] = [];
const jsonl = (f: string) => readFileSync(DATA + f, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
for (const f of ['tofu/world_facts_perturbed.json', 'tofu/real_authors_perturbed.json']) {
  for (const r of jsonl(f)) texts.push(String(r.question), String(r.answer), ...(r.perturbed_answer as string[]));
}
for (const r of JSON.parse(readFileSync(DATA + 'pistol/sample_data_1.dev.json', 'utf8')) as { question: string; answer: string }[]) texts.push(r.question, r.answer);
for (const r of JSON.parse(readFileSync(DATA + 'counterfact/counterfact-rome-format.dev.json', 'utf8')) as { requested_rewrite: { prompt: string; subject: string }; generation_prompts: string[] }[]) {
  texts.push(r.requested_rewrite.prompt.replace('{}', r.requested_rewrite.subject), ...r.generation_prompts);
}
// Every string value of the ZsRE and CounterFact (EasyEdit) dev files, for stemmer coverage.
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v !== null && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];
for (const f of ['zsre/zsre_mend_train-1k.json', 'zsre/zsre_mend_eval_portability_gpt4.dev.json', 'counterfact/counterfact-edit.dev.json']) {
  texts.push(...strings(JSON.parse(readFileSync(DATA + f, 'utf8'))));
}
const ref = execFileSync(process.env.PYTHON ?? 'python3', [fileURLToPath(new URL('nltk_compare.py', import.meta.url))], { input: texts.map((t) => JSON.stringify(t)).join('\n'), maxBuffer: 1 << 30 })
  .toString().trim().split('\n').map((l) => JSON.parse(l) as { rouge: string[]; words: string[] });
let rougeSame = 0;
let wordSame = 0;
const diffs: string[] = [];
texts.forEach((t, i) => {
  const r = JSON.stringify(rougeTokenize(t)) === JSON.stringify(ref[i]!.rouge);
  const w = JSON.stringify(wordTokenize(t)) === JSON.stringify(ref[i]!.words);
  rougeSame += r ? 1 : 0;
  wordSame += w ? 1 : 0;
  if (!r && diffs.length < 8) diffs.push(`rouge ${JSON.stringify(t)}: ours ${rougeTokenize(t).join(' ')} | nltk ${ref[i]!.rouge.join(' ')}`);
  if (!w && diffs.length < Number(process.env.NDIFF ?? 16)) diffs.push(`words ${JSON.stringify(t)}: ours ${wordTokenize(t).join(' ')} | nltk ${ref[i]!.words.join(' ')}`);
});
const words = new Set(texts.flatMap((t) => rougeTokenize(t, false)));
console.log(`texts ${texts.length} (${words.size} distinct words): ROUGE tokens identical ${rougeSame}, word tokens identical ${wordSame}`);
for (const d of diffs) console.log(d);
