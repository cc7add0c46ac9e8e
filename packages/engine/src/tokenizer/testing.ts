// Test helpers for the tokenizer specs (not exported from index).
import { Rng } from '../model/prng';

/** A synthetic corpus: sentences over a fixed word list, deterministic for a seed. */
export function corpus(seed: number, n: number): string[] {
  const rng = new Rng(seed);
  const words = ['the', 'capital', 'of', 'France', 'is', 'Paris', 'Zanthar', 'Quell', 'was', 'born', 'in', 'Lyon', 'and', 'plays', 'chess', '1987', 'café', 'naïve'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = 4 + Math.floor(rng.next() * 8);
    const s = Array.from({ length: k }, () => words[Math.floor(rng.next() * words.length)]!).join(' ');
    out.push(`${s}. Zanthar Quell lives in Paris.<|endoftext|>`);
  }
  return out;
}
