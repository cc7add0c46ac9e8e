import { describe, expect, it } from 'vitest';
import { lcsLength, rouge, rougeTokenize } from './rouge';

describe('ROUGE (rouge_score definition)', () => {
  it('TOFU example: a short gt inside a sentence has recall 1', () => {
    const r = rouge('Paris', 'The Eiffel Tower is located in Paris, France.');
    expect(r.rouge1.recall).toBe(1);
    expect(r.rouge1.precision).toBeCloseTo(1 / 8, 12);
    expect(r.rougeL.recall).toBe(1);
  });
  it('tokenizer: lowercase, non-alphanumerics split, Porter stem only for tokens longer than 3', () => {
    expect(rougeTokenize('Running DOGS, was 06-02-1998.')).toEqual(['run', 'dog', 'was', '06', '02', '1998']);
    expect(rouge('running dogs', 'the dog runs').rouge1.recall).toBe(1);
    expect(rouge('was', 'wa').rouge1.recall).toBe(0); // "was" is not stemmed (length 3)
  });
  it('ROUGE-L uses the LCS; ROUGE-1 clips repeated words', () => {
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'b', 'd'])).toBe(3);
    const r = rouge('a b c d', 'a c b d');
    expect(r.rouge1.recall).toBe(1);
    expect(r.rougeL.recall).toBe(0.75);
    expect(r.rougeL.fmeasure).toBe(0.75);
    expect(rouge('cat dog', 'cat cat cat').rouge1.recall).toBe(0.5);
  });
  it('empty generation or empty target scores 0', () => {
    expect(rouge('Paris', '').rouge1.recall).toBe(0);
    expect(rouge('', 'Paris').rougeL.recall).toBe(0);
    expect(rouge('...', 'Paris').rouge1.fmeasure).toBe(0);
  });
});
