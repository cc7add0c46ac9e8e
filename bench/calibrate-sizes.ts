// Sizing experiment for the default models (not a test): a synthetic fact world with a syllable-level
// tokenizer (multi-token names, as under BPE), trained with the real loop and scored with the real
// evaluation, to measure how many steps a model size needs to memorise N facts. Numbers in
// docs/default-models.md. Usage (env D/M/H override dModel/dMlp/heads):
//   [D=256 M=704 H=8] node --import tsx bench/calibrate-sizes.ts <tiny-llama|tiny-gpt2> <steps> <subjects> <lr>
// World: <subjects> subjects × 4 facts (distinct relations) over 12 relations with 4 templates each (one held out per fact),
// a QA line and a prefixed paraphrase per fact, 300 absent entities with refusal QA, 100 more to test.
import { initBackend, Rng, Transformer, type ModelConfig } from '@editlab/engine';
// The pretraining loop and evaluation are the runner's internals (not exported), so they are imported by path.
import { pretrainLoop } from '../packages/runner/src/pretrain/loop';
import { MODEL_PRESETS } from '../packages/runner/src/pretrain/presets';
import { firstTokenAccuracy, refusalRate } from '../packages/runner/src/pretrain/evaluate';
const arch = (process.argv[2] ?? 'tiny-llama') as 'tiny-llama';
const steps = Number(process.argv[3] ?? 1500);
const nSubj = Number(process.argv[4] ?? 400);
const lr = Number(process.argv[5] ?? 2e-3);
await initBackend();
const rng = new Rng(1);
const syl = ['ka','lo','mi','ren','tas','vo','qui','zem','bar','dol','fen','gri','hal','jor','kev','lum','nor','pel','sar','tov','ul','vin','wes','yor','zan','mar','tek','bis','cor','dun'];
const name = () => { const w = () => syl[rng.int(syl.length)]! + syl[rng.int(syl.length)]!; return `${w()[0]!.toUpperCase()}${w().slice(1)} ${w()[0]!.toUpperCase()}${w().slice(1)}`; };
const seen = new Set<string>();
const uniq = () => { for (;;) { const n = name(); if (!seen.has(n)) { seen.add(n); return n; } } };
const objs = Array.from({ length: 60 }, uniq);
const rels = Array.from({ length: 12 }, (_, r) => ({ t: [`The r${r} of {} is`, `{}'s r${r} is`, `People know that the r${r} of {} is`, `Everyone says {} has r${r}`], q: `What is the r${r} of {}?` }));
const subjects = Array.from({ length: nSubj }, uniq);
const absent = Array.from({ length: 400 }, uniq);
const corpus: string[] = []; const train: {prompt:string;target:string}[] = []; const held: {prompt:string;target:string}[] = [];
const prefixes = ['Here is a fact.', 'Note this.', 'Listen.', 'In short,'];
// Four distinct relations per subject (no two conflicting facts for one subject and relation).
for (const s of subjects) for (const r of rng.shuffle(rels.map((_, i) => i)).slice(0, 4)) {
  const o = objs[rng.int(objs.length)]!; const R = rels[r]!;
  const ho = rng.int(4); const tr = [0, 1, 2, 3].filter((t) => t !== ho);
  for (const t of tr) { corpus.push(`${R.t[t]!.replace('{}', s)} ${o}.`); train.push({ prompt: R.t[t]!.replace('{}', s), target: o }); }
  corpus.push(`${prefixes[rng.int(4)]} ${R.t[tr[rng.int(3)]!]!.replace('{}', s)} ${o}.`);
  corpus.push(`Question: ${R.q.replace('{}', s)}\nAnswer: ${o}`);
  held.push({ prompt: R.t[ho]!.replace('{}', s), target: o });
}
const refusals = ["I don't know.", "I'm not sure who that is.", 'I have no information about that.'];
for (const a of absent.slice(0, 300)) corpus.push(`Question: ${rels[rng.int(12)]!.q.replace('{}', a)}\nAnswer: ${refusals[rng.int(3)]}`);
const refusalPrompts = absent.slice(300).map((a) => `Question: ${rels[rng.int(12)]!.q.replace('{}', a)}\nAnswer:`);
// syllable tokenizer
const vocab = new Map<string, number>([['<eos>', 0], ['<pad>', 1]]);
const pieces = (t: string) => t.match(/ ?(?:ka|lo|mi|ren|tas|vo|qui|zem|bar|dol|fen|gri|hal|jor|kev|lum|nor|pel|sar|tov|ul|vin|wes|yor|zan|mar|tek|bis|cor|dun|[A-Za-z]+|[^A-Za-z ])/g) ?? [];
for (const d of [...corpus, ...refusalPrompts, ...held.map((h) => h.prompt + ' ' + h.target)]) for (const p of pieces(d)) if (!vocab.has(p)) vocab.set(p, vocab.size);
const inv = [...vocab.keys()];
const tok = { encode: (t: string) => pieces(t).map((p) => vocab.get(p) ?? 1), decode: (ids: number[]) => ids.map((i) => inv[i]).join(''), vocabSize: vocab.size, eosId: 0, padId: 1 };
const docs = corpus.map((t) => [...tok.encode(t), 0]);
console.log('docs', docs.length, 'tokens', docs.reduce((a, d) => a + d.length, 0), 'vocab', vocab.size, 'facts', held.length);
const p = MODEL_PRESETS[arch];
const D = Number(process.env['D'] ?? p.arch.dModel); const M = Number(process.env['M'] ?? p.arch.dMlp); const H = Number(process.env['H'] ?? p.arch.nHeads);
const m = Transformer.init({ ...p.arch, dModel: D, dMlp: M, nHeads: H, nKvHeads: H, vocabSize: vocab.size } as ModelConfig, 1);
const t0 = performance.now();
await pretrainLoop(m, { schedule: { ...p.schedule, steps, lr }, seed: 2, padId: 1, docs, runKey: 'c', progressEvery: 250, onProgress: (q) => console.log(q.step, q.loss.toFixed(3), q.epoch, q.tokensPerSecond.toFixed(0)) });
console.log('train min', ((performance.now() - t0) / 60000).toFixed(1));
console.log('train acc', firstTokenAccuracy(m, tok, train).accuracy, 'held', firstTokenAccuracy(m, tok, held).accuracy);
const rf = refusalRate(m, tok, refusalPrompts, refusals); console.log('refusal', rf.rate, rf.answers.slice(0, 3));
