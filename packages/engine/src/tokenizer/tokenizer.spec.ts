import { describe, expect, it } from 'vitest';
import { Rng } from '../model/prng';
import { TokenizerError } from './errors';
import { loadTokenizer } from './load';
import { trainBpe } from './train';

/** A synthetic corpus: sentences over a fixed word list, deterministic for a seed. */
function corpus(seed: number, n: number): string[] {
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

  it('trains on ~0.5 MB and encodes it in seconds', () => {
    const text = corpus(5, 8000);
    const bytes = text.reduce((n, t) => n + t.length, 0);
    expect(bytes).toBeGreaterThan(400_000);
    const t0 = performance.now();
    const tok = trainBpe(text, { vocabSize: 1000 });
    const t1 = performance.now();
    const n = text.reduce((k, t) => k + tok.encode(t).length, 0);
    const t2 = performance.now();
    expect(n).toBeLessThan(bytes / 3);
    expect(t1 - t0).toBeLessThan(10_000);
    expect(t2 - t1).toBeLessThan(5_000);
  });
});

describe('tokenizer.json', () => {
  it('round-trips through toJSON / loadTokenizer with identical encodings', () => {
    const tok = trainBpe(corpus(6, 300), { vocabSize: 380 });
    const back = loadTokenizer(tok.toJSON());
    expect(back.toJSON()).toBe(tok.toJSON());
    const t = 'Zanthar Quell was born in 1987 in Lyon.<|endoftext|>';
    expect(back.encode(t)).toEqual(tok.encode(t));
    expect([back.eosId, back.padId, back.vocabSize]).toEqual([tok.eosId, tok.padId, tok.vocabSize]);
  });

  it('loads a Hugging Face GPT-2-format tokenizer.json and encodes by merge rank', () => {
    // Exactly the layout of the hub's gpt2/tokenizer.json (a tiny vocabulary): Ġ is the byte-level space.
    const vocab: Record<string, number> = { '!': 0, d: 1, e: 2, h: 3, l: 4, o: 5, r: 6, w: 7, 'Ġ': 8, he: 9, ll: 10, hell: 11, hello: 12, 'Ġw': 13, or: 14, 'Ġwor': 15, ld: 16, '<|endoftext|>': 17 };
    const json = JSON.stringify({
      version: '1.0', truncation: null, padding: null,
      added_tokens: [{ id: 17, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
      normalizer: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
      decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
      model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab,
        merges: ['h e', 'l l', 'he ll', 'hell o', 'Ġ w', 'o r', 'Ġw or', 'l d'] },
    });
    const tok = loadTokenizer(json);
    // "hello" → hello; " world" → Ġw|or → Ġwor, then l d → ld; "!" stays.
    expect(tok.encode('hello world!<|endoftext|>')).toEqual([12, 15, 16, 0, 17]);
    expect(tok.decode([12, 15, 16, 0, 17])).toBe('hello world!<|endoftext|>');
    expect([tok.eosId, tok.padId, tok.vocabSize]).toEqual([17, 17, 18]);
    // Newer files write merges as pairs.
    const pairs = JSON.parse(json) as { model: { merges: unknown } };
    pairs.model.merges = [['h', 'e'], ['l', 'l'], ['he', 'll'], ['hell', 'o']];
    expect(loadTokenizer(JSON.stringify(pairs)).encode('hello')).toEqual([12]);
  });

  it('loads Llama-3 / Qwen2 pre-tokenization (Split regex with (?i:…), digits in threes, NFC) and writes it back', () => {
    const bytes = trainBpe([], { vocabSize: 258, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    const j = JSON.parse(bytes.toJSON()) as { model: { vocab: Record<string, number>; merges: string[] }; normalizer: unknown; pre_tokenizer: unknown };
    const extra = ['34', '12', '123', '45', "'S"];
    extra.forEach((t, i) => (j.model.vocab[t] = 258 + i));
    j.model.merges = ['3 4', '1 2', '12 3', '4 5', "' S"];
    const gpt2 = loadTokenizer(JSON.stringify(j));
    const id = (t: string) => j.model.vocab[t]!;
    // GPT-2 regex keeps "12345" whole: 3 4 merges first → 12 | 34 | 5.
    expect(gpt2.encode('12345')).toEqual([id('12'), id('34'), id('5')]);
    const llama3 = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
    j.normalizer = { type: 'NFC' };
    j.pre_tokenizer = { type: 'Sequence', pretokenizers: [
      { type: 'Split', pattern: { Regex: llama3 }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] };
    const tok = loadTokenizer(JSON.stringify(j));
    expect(tok.encode('12345')).toEqual([id('123'), id('45')]); // \p{N}{1,3} splits 123 | 45
    expect(tok.encode("IT'S")).toEqual([id('I'), id('T'), id("'S")]); // (?i:'s) matches 'S as one piece
    expect(tok.encode('e\u0301')).toEqual(tok.encode('\u00e9')); // NFC
    expect(loadTokenizer(tok.toJSON()).toJSON()).toBe(tok.toJSON());
    expect(JSON.parse(tok.toJSON()).pre_tokenizer).toEqual(j.pre_tokenizer);
  });

  it('refuses non-BPE or broken files with a clear error', () => {
    expect(() => loadTokenizer('/nonexistent/tokenizer.json')).toThrow(/\/nonexistent\/tokenizer\.json: file not found/);
    expect(() => loadTokenizer('{"model": {"type": "WordPiece"}}')).toThrow(/only "BPE" is supported/);
    expect(() => loadTokenizer('{"model": ')).toThrow(/not valid JSON/);
    expect(() => loadTokenizer('{"model": {"type": "BPE", "vocab": {}, "merges": []}, "pre_tokenizer": {"type": "Metaspace"}}')).toThrow(/pre_tokenizer "Metaspace" is not supported/);
  });
});
