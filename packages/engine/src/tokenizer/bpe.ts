// Byte-level BPE tokenizer (Sennrich et al. 2016 BPE; GPT-2's byte-level variant, Radford et al. 2019)
// in the Hugging Face tokenizer.json format: model.vocab (token → id), model.merges (ranked pairs),
// added_tokens (special tokens matched verbatim before pre-tokenization).
import type { Tokenizer } from '../model/tokenizer';
import { GPT2_SPLIT, fromByteLevel, preTokenize } from './bytes';
import { TokenizerError, TokenizerErrorCode as C } from './errors';

export interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly special: boolean;
}

/** A Tokenizer that also serialises to tokenizer.json. */
export interface SerializableTokenizer extends Tokenizer {
  toJSON(): string;
}

/** How plain text is normalised and split before BPE (default: none, GPT-2 regex). */
export interface PreTokenization {
  readonly split: RegExp;
  /** Unicode NFC normalisation first (Qwen2's normalizer). */
  readonly nfc: boolean;
  /** The tokenizer.json `normalizer` / `pre_tokenizer` objects this came from, written back by toJSON. */
  readonly normalizerJson: unknown;
  readonly preTokenizerJson: unknown;
}

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
export const GPT2_PRE: PreTokenization = { split: GPT2_SPLIT, nfc: false, normalizerJson: null, preTokenizerJson: BYTE_LEVEL };

const CACHE_LIMIT = 200_000;

function findId(vocab: ReadonlyMap<string, number>, names: string[]): number | undefined {
  for (const n of names) {
    const id = vocab.get(n);
    if (id !== undefined) return id;
  }
  return undefined;
}

export class BpeTokenizer implements SerializableTokenizer {
  readonly vocabSize: number;
  readonly bosId?: number;
  readonly eosId: number;
  readonly padId: number;
  private readonly idToToken: string[];
  private readonly ranks = new Map<string, number>();
  private readonly addedById = new Map<number, AddedToken>();
  private readonly addedByContent = new Map<string, number>();
  private readonly addedRe?: RegExp;
  private readonly cache = new Map<string, number[]>();

  constructor(
    readonly vocab: ReadonlyMap<string, number>,
    readonly merges: ReadonlyArray<readonly [string, string]>,
    readonly added: readonly AddedToken[],
    readonly pre: PreTokenization = GPT2_PRE,
  ) {
    merges.forEach(([a, b], i) => this.ranks.set(`${a} ${b}`, i));
    const all = new Map(vocab);
    for (const t of added) {
      this.addedById.set(t.id, t);
      this.addedByContent.set(t.content, t.id);
      all.set(t.content, t.id);
    }
    this.idToToken = [];
    for (const [tok, id] of all) this.idToToken[id] = tok;
    this.vocabSize = this.idToToken.length;
    if (added.length) {
      const esc = [...added].map((t) => t.content).sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.addedRe = new RegExp(`(${esc.join('|')})`, 'u');
    }
    const eos = findId(all, ['<|endoftext|>', '</s>', '<|eos|>', '<eos>']) ?? added.find((t) => t.special)?.id;
    if (eos === undefined) throw new TokenizerError(C.BAD_JSON, 'tokenizer has no end-of-text token (<|endoftext|>, </s> or any special added token)');
    this.eosId = eos;
    this.padId = findId(all, ['<|pad|>', '<pad>', '[PAD]']) ?? eos;
    const bos = findId(all, ['<|bos|>', '<s>', '<|startoftext|>']);
    if (bos !== undefined) this.bosId = bos;
  }

  /** BPE on one pre-token: repeatedly merge the adjacent pair of lowest merge rank. */
  private bpe(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    let syms = [...word];
    while (syms.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < syms.length - 1; i++) {
        const r = this.ranks.get(`${syms[i]} ${syms[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const a = syms[best]!, b = syms[best + 1]!;
      const next: string[] = [];
      for (let i = 0; i < syms.length; i++) {
        if (i < syms.length - 1 && syms[i] === a && syms[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(syms[i]!);
      }
      syms = next;
    }
    const ids = syms.map((s) => {
      const id = this.vocab.get(s);
      if (id === undefined) throw new TokenizerError(C.BAD_JSON, `tokenizer vocabulary lacks the byte-level symbol '${s}' (U+${s.codePointAt(0)!.toString(16)})`);
      return id;
    });
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    const parts = this.addedRe ? text.split(this.addedRe) : [text];
    parts.forEach((part, i) => {
      // split() with one capture group alternates plain text (even) and matched added tokens (odd).
      if (i % 2 === 1) out.push(this.addedByContent.get(part)!);
      else if (part) for (const w of preTokenize(this.pre.nfc ? part.normalize('NFC') : part, this.pre.split)) for (const id of this.bpe(w)) out.push(id);
    });
    return out;
  }

  decode(ids: number[]): string {
    let text = '';
    let pending = '';
    for (const id of ids) {
      const tok = this.idToToken[id];
      if (tok === undefined) throw new TokenizerError(C.BAD_ID, `decode: id ${id} is outside the vocabulary (size ${this.vocabSize})`);
      if (this.addedById.has(id)) {
        text += fromByteLevel(pending) + tok;
        pending = '';
      } else pending += tok;
    }
    return text + fromByteLevel(pending);
  }

  /** The Hugging Face tokenizer.json (GPT-2 layout: ByteLevel pre-tokenizer/decoder, BPE model). */
  toJSON(): string {
    const head = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: this.added.map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.special })),
      normalizer: this.pre.normalizerJson,
      pre_tokenizer: this.pre.preTokenizerJson,
      post_processor: { ...BYTE_LEVEL, trim_offsets: false },
      decoder: BYTE_LEVEL,
    };
    // The vocab is written by hand so entries keep id order (JS objects would hoist integer-like keys).
    const vocab = [...this.vocab].sort((a, b) => a[1] - b[1]).map(([t, id]) => `${JSON.stringify(t)}:${id}`).join(',');
    const merges = JSON.stringify(this.merges.map(([a, b]) => `${a} ${b}`));
    const model = `{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":"","end_of_word_suffix":"","fuse_unk":false,"byte_fallback":false,"vocab":{${vocab}},"merges":${merges}}`;
    return `${JSON.stringify(head).slice(0, -1)},"model":${model}}`;
  }
}
