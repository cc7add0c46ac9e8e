// BPE training (Sennrich et al. 2016, Algorithm 1) on GPT-2 byte-level pre-tokens: start from the 256
// byte symbols, repeatedly merge the most frequent adjacent pair (counted over word types × frequency)
// until the vocabulary is full. Ties break on the smaller (left id, right id) pair, so the same corpus
// always gives the same merges and the same tokenizer.json bytes. Pair counts are updated incrementally:
// only words containing the merged pair are recounted.
import { BYTE_TO_CHAR, preTokenize } from './bytes';
import { BpeTokenizer } from './bpe';
import { TokenizerError, TokenizerErrorCode as C } from './errors';

export interface TrainBpeOptions {
  /** Final vocabulary size, special tokens and the 256 byte symbols included. */
  readonly vocabSize: number;
  /** Added tokens, given ids 0..n−1 in this order. Default ['<|endoftext|>', '<|pad|>']. */
  readonly specialTokens?: readonly string[];
  /** A pair must occur at least this often to be merged. Default 2. */
  readonly minFrequency?: number;
  /** Accepted for API symmetry; training is deterministic and uses no randomness. */
  readonly seed?: number;
}

const SHIFT = 2 ** 21;

export function trainBpe(corpus: Iterable<string>, o: TrainBpeOptions): BpeTokenizer {
  const specials = [...(o.specialTokens ?? ['<|endoftext|>', '<|pad|>'])];
  if (new Set(specials).size !== specials.length) throw new TokenizerError(C.BAD_OPTIONS, `trainBpe: duplicate special tokens in ${JSON.stringify(specials)}`);
  if (!Number.isSafeInteger(o.vocabSize) || o.vocabSize < specials.length + 256 || o.vocabSize >= SHIFT) {
    throw new TokenizerError(C.BAD_OPTIONS, `trainBpe: vocabSize ${o.vocabSize} must be an integer in [${specials.length + 256}, ${SHIFT}) (special tokens + 256 bytes)`);
  }
  const minFreq = o.minFrequency ?? 2;
  const tokens: string[] = [...BYTE_TO_CHAR];
  const base = specials.length;
  const charId = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

  // Word types with their counts (special tokens are cut out of the text first, as in encoding).
  const counts = new Map<string, number>();
  const esc = specials.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const splitRe = specials.length ? new RegExp(esc.join('|'), 'u') : undefined;
  for (const text of corpus) {
    for (const part of splitRe ? text.split(splitRe) : [text]) {
      for (const w of preTokenize(part)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [w, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    words.push([...w].map((ch) => charId.get(ch)!));
    freq.push(n);
  }

  const pairCount = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const addPairs = (wi: number, sign: 1 | -1): void => {
    const s = words[wi]!;
    for (let i = 0; i < s.length - 1; i++) {
      const k = s[i]! * SHIFT + s[i + 1]!;
      const n = (pairCount.get(k) ?? 0) + sign * freq[wi]!;
      if (n === 0) pairCount.delete(k);
      else pairCount.set(k, n);
      if (sign > 0) {
        let set = where.get(k);
        if (!set) where.set(k, (set = new Set()));
        set.add(wi);
      }
    }
  };
  for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1);

  const merges: Array<[string, string]> = [];
  while (base + tokens.length < o.vocabSize) {
    let bestKey = -1;
    let bestN = 0;
    for (const [k, n] of pairCount) if (n > bestN || (n === bestN && k < bestKey)) [bestKey, bestN] = [k, n];
    if (bestKey < 0 || bestN < minFreq) break;
    const a = Math.floor(bestKey / SHIFT), b = bestKey % SHIFT;
    const id = tokens.length;
    tokens.push(tokens[a]! + tokens[b]!);
    merges.push([tokens[a]!, tokens[b]!]);
    for (const wi of where.get(bestKey) ?? []) {
      const s = words[wi]!;
      addPairs(wi, -1);
      const next: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i < s.length - 1 && s[i] === a && s[i + 1] === b) {
          next.push(id);
          i++;
        } else next.push(s[i]!);
      }
      words[wi] = next;
      addPairs(wi, 1);
    }
    where.delete(bestKey);
  }

  const vocab = new Map<string, number>();
  specials.forEach((s, i) => vocab.set(s, i));
  tokens.forEach((t, i) => vocab.set(t, base + i));
  return new BpeTokenizer(vocab, merges, specials.map((content, id) => ({ id, content, special: true })));
}
