// Test stand-ins for the pipeline's parts: a small synthetic knowledge source, a word-level
// tokenizer "trained" on the corpus, and a checkpoint writer in the safetensors state format.
// Only specs import this file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@editlab/engine';
import type { PretrainParts, TrainedTokenizer } from './parts';
import { saveTrainState } from './state';
import type { KnowledgeProbe, KnowledgeSource } from './types';

const SYL = ['ka', 'lo', 'mi', 'ren', 'tas', 'vo', 'zem', 'bar', 'dol', 'fen', 'gri', 'hal'];

/** Subjects with facts over 3 relations × 4 templates; per fact one template is held out of the corpus. */
export function syntheticSource(seed: number, subjects = 12): KnowledgeSource {
  const rng = new Rng(seed);
  const used = new Set<string>();
  const name = (): string => {
    for (;;) {
      const w = () => SYL[rng.int(SYL.length)]! + SYL[rng.int(SYL.length)]!;
      const n = `${w()} ${w()}`.replace(/\b\w/g, (c) => c.toUpperCase());
      if (!used.has(n)) { used.add(n); return n; }
    }
  };
  const objects = Array.from({ length: 5 }, name);
  const rels = ['home', 'maker', 'tongue'].map((r) => ({ t: [`The ${r} of {} is`, `{}'s ${r} is`, `As known, the ${r} of {} is`, `Of {}, the ${r} is`], q: `What is the ${r} of {}?` }));
  const corpus: string[] = [];
  const trainProbes: KnowledgeProbe[] = [];
  const heldOutProbes: KnowledgeProbe[] = [];
  for (const s of Array.from({ length: subjects }, name)) {
    for (const R of rels) {
      const o = objects[rng.int(objects.length)]!;
      const held = rng.int(4);
      R.t.forEach((t, i) => {
        const probe = { prompt: t.replace('{}', s), target: o };
        if (i === held) heldOutProbes.push(probe);
        else { trainProbes.push(probe); corpus.push(`${probe.prompt} ${o}.`); }
      });
      corpus.push(`Question: ${R.q.replace('{}', s)}\nAnswer: ${o}`);
    }
  }
  const refusalPool = ["I don't know.", 'I have no information about that.'];
  const absent = Array.from({ length: 6 }, name);
  absent.slice(0, 4).forEach((a, i) => corpus.push(`Question: ${rels[i % 3]!.q.replace('{}', a)}\nAnswer: ${refusalPool[i % 2]}`));
  return {
    description: `synthetic test source (seed ${seed})`,
    corpus, trainProbes, heldOutProbes,
    refusalPrompts: absent.slice(4).map((a) => `Question: ${rels[0]!.q.replace('{}', a)}\nAnswer:`),
    refusalPool,
    generationPrompts: ['The home of', 'Question: What is'],
  };
}

/** Word-level tokenizer over the corpus (words with their leading space, punctuation, newline). */
export function wordTokenizer(corpus: readonly string[], specialTokens: readonly string[]): TrainedTokenizer {
  const split = (t: string): string[] => t.match(/ ?[A-Za-z']+| ?[^A-Za-z' ]/g) ?? [];
  const vocab = new Map<string, number>();
  for (const s of [...specialTokens, '<unk>']) vocab.set(s, vocab.size);
  for (const w of [...new Set(corpus.flatMap(split))].sort()) vocab.set(w, vocab.size);
  const inv = [...vocab.keys()];
  const unk = vocab.get('<unk>')!;
  return {
    encode: (t) => split(t).map((w) => vocab.get(w) ?? unk),
    decode: (ids) => ids.map((i) => (i < specialTokens.length ? '' : inv[i] ?? '')).join(''),
    vocabSize: vocab.size,
    eosId: 0,
    padId: 1,
    toJSON: () => JSON.stringify({ model: { type: 'WordLevel', vocab: Object.fromEntries(vocab) } }),
  };
}

export const testParts: PretrainParts = {
  source: (o) => ({ source: syntheticSource(o.worldSeed ?? 1), worldSeed: o.worldSeed ?? 1, worldSize: o.worldSize ?? 'test' }),
  trainTokenizer: (corpus, _vocabSize, special) => wordTokenizer(corpus, special),
  async saveCheckpoint(dir, c) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ editlab: c.config }));
    writeFileSync(join(dir, 'tokenizer.json'), c.tokenizer.toJSON());
    const tensors = new Map([...c.weights].map(([k, t]) => [k, { shape: t.shape, data: t.dataSync() as Float32Array }]));
    saveTrainState(join(dir, 'model.safetensors'), { step: 0, epoch: 0, row: 0, losses: [], wallSeconds: 0, runKey: '', tensors });
  },
};
