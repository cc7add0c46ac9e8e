import { describe, expect, it } from 'vitest';
import { TokenizerError } from './errors';
import { corpus } from './testing';
import { trainBpe } from './train';

describe('trainBpe', () => {
  it('is deterministic: same corpus → same tokenizer.json bytes; another corpus → different', () => {
    const a = trainBpe(corpus(1, 400), { vocabSize: 400 }).toJSON();
    const b = trainBpe(corpus(1, 400), { vocabSize: 400 }).toJSON();
    const c = trainBpe(corpus(2, 400), { vocabSize: 400 }).toJSON();
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('round-trips unicode text exactly and handles special tokens', () => {
    const tok = trainBpe(corpus(3, 300), { vocabSize: 350, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    expect([tok.eosId, tok.padId, tok.bosId]).toEqual([0, 1, undefined]);
    const texts = ['Grüße, 世界! 🙂 naïve café — tab\there\nnew line', '  leading  and trailing  ', "it's a 2024 test's end", '\u0000\u00ff\ud83d\ude00'];
    for (const t of texts) {
      const ids = tok.encode(t);
      expect(ids.every((i) => i >= 2 && i < tok.vocabSize)).toBe(true);
      expect(tok.decode(ids)).toBe(t);
    }
    const ids = tok.encode('Paris<|endoftext|><|pad|>');
    expect(ids.slice(-2)).toEqual([0, 1]);
    expect(tok.decode(ids)).toBe('Paris<|endoftext|><|pad|>');
    expect(() => tok.decode([tok.vocabSize])).toThrow(TokenizerError);
  });

  it('learns frequent names as few tokens; unseen names split into several and still decode', () => {
    const tok = trainBpe(corpus(4, 500), { vocabSize: 420 });
    const seen = tok.encode(' Zanthar Quell');
    const unseen = tok.encode(' Vorbix Kelmot');
    expect(seen.length).toBeLessThanOrEqual(2);
    expect(unseen.length).toBeGreaterThan(3);
    expect(tok.decode(unseen)).toBe(' Vorbix Kelmot');
    expect(tok.vocabSize).toBeLessThanOrEqual(420); // stops early once no pair occurs twice (the word list is small)
  });

  it('refuses a vocabulary smaller than specials + 256 bytes', () => {
    expect(() => trainBpe(['x'], { vocabSize: 100 })).toThrow(/vocabSize 100 must be an integer in \[258/);
  });

  it('trains on ~0.5 MB and encodes it in under a third as many tokens as characters', () => {
    // Speed is measured by bench/tokenizer-bpe.ts, not asserted here (no timing assertions in unit tests).
    const text = corpus(5, 8000);
    const bytes = text.reduce((n, t) => n + t.length, 0);
    expect(bytes).toBeGreaterThan(400_000);
    const tok = trainBpe(text, { vocabSize: 1000 });
    const n = text.reduce((k, t) => k + tok.encode(t).length, 0);
    expect(n).toBeLessThan(bytes / 3);
  });
});
