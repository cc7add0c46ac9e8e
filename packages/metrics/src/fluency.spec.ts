import { describe, expect, it } from 'vitest';
import { tableScorer } from './fake-scorer';
import { fluency, nGramEntropy, ngramEntropy, simpleWordTokenize, textEntropy, wordTokenize } from './fluency';

// "a b a b": bigrams {ab:2, ba:1} → H₂ = −(2/3·log₂ 2/3 + 1/3·log₂ 1/3) = 0.918296;
// trigrams {aba, bab} → H₃ = 1; E = (2/3·H₂ + 4/3·H₃)/2 = H₂/3 + 2/3.
const H2 = -((2 / 3) * Math.log2(2 / 3) + (1 / 3) * Math.log2(1 / 3));

describe('n-gram entropy (MEMIT compute_n_gram_entropy)', () => {
  it('hand-computed value, weights 2/3 and 4/3', () => {
    expect(ngramEntropy(['a', 'b', 'a', 'b'], 2)).toBeCloseTo(H2, 12);
    expect(ngramEntropy(['a', 'b', 'a', 'b'], 3)).toBeCloseTo(1, 12);
    expect(textEntropy('a b a b')).toBeCloseTo(H2 / 3 + 2 / 3, 12);
  });
  it('degenerate texts: empty, one word, a repeated word → 0', () => {
    expect(textEntropy('')).toBe(0);
    expect(textEntropy('word')).toBe(0);
    expect(textEntropy('the the the the the')).toBe(0);
    expect(nGramEntropy([])).toBeNaN();
    expect(nGramEntropy(['a b a b', ''])).toBeCloseTo((H2 / 3 + 2 / 3) / 2, 12);
  });
  it('word tokens follow the Treebank rules for punctuation and contractions', () => {
    expect(wordTokenize('I don\'t know, "Paris." J.K. Rowling wrote it.')).toEqual(['I', 'do', "n't", 'know', ',', '``', 'Paris', '.', "''", 'J.K.', 'Rowling', 'wrote', 'it', '.']);
    expect(wordTokenize('the U.S. army')).toEqual(['the', 'U.S.', 'army']);
  });
  it('the model cards\' words keep contractions whole; the entropy is the same function', () => {
    const t = " Sorry, I can't answer that.";
    expect(simpleWordTokenize(t)).toEqual(['Sorry', ',', 'I', "can't", 'answer', 'that', '.']);
    expect(textEntropy(t, simpleWordTokenize)).toBeCloseTo((2 / 3 * Math.log2(6) + 4 / 3 * Math.log2(5)) / 2, 12);
    expect(textEntropy(t)).toBeCloseTo((2 / 3 * Math.log2(7) + 4 / 3 * Math.log2(6)) / 2, 12); // NLTK: ca n't
    expect(nGramEntropy([t, 'a b a b'], simpleWordTokenize)).toBe((textEntropy(t, simpleWordTokenize) + textEntropy('a b a b')) / 2);
  });
  it('fluency generates with top-k 5 up to 100 tokens in total and scores prompt + text ×100', async () => {
    const seen: { maxNewTokens: number; topK?: number }[] = [];
    const base = tableScorer({ dists: {}, generations: { 'P q': ' a b a b', R: '' } });
    const spy = { ...base, generate: (p: readonly string[], o: { maxNewTokens: number; topK?: number }) => (seen.push(o), base.generate(p, o)) };
    const f = await fluency(spy, ['P q', 'R']);
    // "P q a b a b": 6 distinct-ish tokens: bigrams Pq qa ab ba ab → H₂ over {ab:2, others:1×3}
    const h2 = -(0.4 * Math.log2(0.4) + 3 * 0.2 * Math.log2(0.2));
    const h3 = Math.log2(4); // 4 distinct trigrams
    expect(f.fluency).toBeCloseTo((100 * (h2 / 3 + (2 * h3) / 3 + 0)) / 2, 8);
    expect(seen.map((o) => o.maxNewTokens).sort()).toEqual([98, 99]);
    expect(seen.every((o) => o.topK === 5)).toBe(true);
    expect(f.texts).toEqual(['P q a b a b', 'R']);
  });
});
