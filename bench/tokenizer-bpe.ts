// Benchmark (not a test): train the byte-level BPE on every text file of the shared dev data
// (../shared/data beside the repo root) and time training and encoding.
// Run from the repo root: node --import tsx bench/tokenizer-bpe.ts [vocabSize=4096]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTokenizer, trainBpe } from '@editlab/engine';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data');
if (!existsSync(root)) {
  console.error(`no shared data at ${root}; nothing to benchmark`);
  process.exit(1);
}
const texts: string[] = [];
const walk = (d: string): void => {
  for (const f of readdirSync(d).sort()) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (!f.endsWith('.md')) texts.push(readFileSync(p, 'utf8'));
  }
};
walk(root);
const corpus = texts.flatMap((t) => t.split('\n'));
const bytes = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0);
const vocabSize = Number(process.argv[2] ?? 4096);
let t0 = performance.now();
const tok = trainBpe(corpus, { vocabSize });
const trainS = (performance.now() - t0) / 1000;
const deterministic = trainBpe(corpus, { vocabSize }).toJSON() === tok.toJSON();
const cold = loadTokenizer(tok.toJSON());
t0 = performance.now();
const tokens = corpus.reduce((n, t) => n + cold.encode(t).length, 0);
const encodeS = (performance.now() - t0) / 1000;
const roundTrip = corpus.every((t) => cold.decode(cold.encode(t)) === t);
console.log(JSON.stringify({ files: texts.length, MB: +(bytes / 1e6).toFixed(2), vocab: tok.vocabSize, trainS: +trainS.toFixed(2), deterministic, encodeS: +encodeS.toFixed(2), tokens, bytesPerToken: +(bytes / tokens).toFixed(2), roundTrip }));
