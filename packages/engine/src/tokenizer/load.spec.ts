import { describe, expect, it } from 'vitest';
import { loadTokenizer } from './load';
import { corpus } from './testing';
import { trainBpe } from './train';

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
    expect(() => loadTokenizer('{"model": {"type": "BPE", "vocab": {}, "merges": []}, "pre_tokenizer": {"type": "BertPreTokenizer"}}')).toThrow(/pre_tokenizer "BertPreTokenizer" is not supported/);
    expect(() => loadTokenizer('{"model": {"type": "BPE", "vocab": {}, "merges": []}, "normalizer": {"type": "NFKC"}}')).toThrow(/normalizer "NFKC" is not supported/);
    expect(() => loadTokenizer('{"model": {"type": "BPE", "vocab": {}, "merges": []}, "decoder": {"type": "WordPiece"}}')).toThrow(/decoder "WordPiece" is not supported/);
  });
});
