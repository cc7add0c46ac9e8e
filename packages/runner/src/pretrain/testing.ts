// Test stand-ins for the pipeline's parts: the stand-in world's tiny preset, a word-level tokenizer
// "trained" on the corpus (fast, no BPE), and a checkpoint writer in the safetensors state format.
// Only specs import this file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PretrainParts, TrainedTokenizer } from './parts';
import { saveTrainState } from './state';
import { STANDIN_SIZES, standinSource } from './standin';

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
  source: (o) => ({ source: standinSource(o.worldSeed ?? 1, STANDIN_SIZES['tiny']!), worldSeed: o.worldSeed ?? 1, worldSize: o.worldSize ?? 'test' }),
  trainTokenizer: (corpus, _vocabSize, special) => wordTokenizer(corpus, special),
  async saveCheckpoint(dir, c) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ editlab: c.config }));
    writeFileSync(join(dir, 'tokenizer.json'), c.tokenizer.toJSON());
    const tensors = new Map([...c.weights].map(([k, t]) => [k, { shape: t.shape, data: t.dataSync() as Float32Array }]));
    saveTrainState(join(dir, 'model.safetensors'), { step: 0, epoch: 0, row: 0, losses: [], wallSeconds: 0, runKey: '', tensors });
  },
};
