// Fluency of generations for the model card: the n-gram entropy of MEMIT/EasyEdit
// (REFERENCE-editing §2b: E = (2/3·H₂ + 4/3·H₃)/2, Hₙ the base-2 entropy of the word n-gram
// frequency distribution, mean over texts, ×100 as the papers report it). Words are split as
// nltk.word_tokenize does for plain English: runs of letters/digits/apostrophes, and punctuation marks.

function entropy(tokens: readonly string[], n: number): number {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join('\u0001');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  let h = 0;
  for (const c of counts.values()) {
    const f = c / total;
    h -= f * Math.log2(f);
  }
  return h;
}

/** n-gram entropy of one text (EasyEdit compute_n_gram_entropy), not yet ×100. */
export function ngramEntropy(text: string): number {
  const words = text.match(/[A-Za-z0-9']+|[^\sA-Za-z0-9']/g) ?? [];
  return (2 / 3 * entropy(words, 2) + 4 / 3 * entropy(words, 3)) / 2;
}

/** Mean n-gram entropy over texts ×100, or undefined for no texts. */
export function fluencyOf(texts: readonly string[]): { ngramEntropy: number; metric: string } | undefined {
  if (texts.length === 0) return undefined;
  const mean = texts.reduce((a, t) => a + ngramEntropy(t), 0) / texts.length;
  return { ngramEntropy: 100 * mean, metric: 'n-gram entropy ×100 (MEMIT/EasyEdit, greedy decoding, 40 new tokens)' };
}
