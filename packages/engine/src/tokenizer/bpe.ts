// BPE tokenizer (Sennrich et al. 2016 BPE) in the Hugging Face tokenizer.json format: model.vocab
// (token → id), model.merges (ranked pairs), added_tokens (special tokens matched verbatim before
// normalization). Byte-level as GPT-2 (Radford et al. 2019), Qwen2 and Llama-3 use it, or over
// SentencePiece pieces with byte fallback (`<0xNN>` tokens) as Llama-2 and Mistral use it
// (huggingface/tokenizers src/models/bpe/model.rs: merge_word, ignore_merges).
import type { Tokenizer } from '../model/tokenizer';
import { TokenizerError, TokenizerErrorCode as C } from './errors';
import { GPT2_PRE } from './pipeline';
import type { PreTokenization } from './pipeline';
import type { Template } from './template';

export interface AddedToken {
  readonly id: number;
  readonly content: string;
  readonly special: boolean;
}

/** A Tokenizer that also serialises to tokenizer.json. */
export interface SerializableTokenizer extends Tokenizer {
  toJSON(): string;
}

/** BPE model options beyond vocab and merges (tokenizer.json `model`); all off for byte-level files. */
export interface BpeModelOptions {
  /** Characters outside the vocabulary become their UTF-8 bytes as `<0xNN>` tokens (Llama-2, Mistral). */
  readonly byteFallback?: boolean;
  /** Token for characters outside the vocabulary (without byte fallback); consecutive ones fuse when fuseUnk. */
  readonly unkToken?: string;
  readonly fuseUnk?: boolean;
  /** A pre-token that is itself in the vocabulary is one token, merges skipped (Llama-3). */
  readonly ignoreMerges?: boolean;
  /** The post-processor's single template (BOS, EOS around the text) and its JSON for toJSON. */
  readonly template?: Template;
  readonly postProcessorJson?: unknown;
}

const BYTE_LEVEL_POST = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };

const CACHE_LIMIT = 200_000;
const utf8 = new TextEncoder();

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
    readonly options: BpeModelOptions = {},
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
    const eos = findId(all, ['<|endoftext|>', '</s>', '<|end_of_text|>', '<|eos|>', '<eos>']) ?? added.find((t) => t.special)?.id;
    if (eos === undefined) throw new TokenizerError(C.BAD_JSON, 'tokenizer has no end-of-text token (<|endoftext|>, </s> or any special added token)');
    this.eosId = eos;
    this.padId = findId(all, ['<|pad|>', '<pad>', '[PAD]']) ?? eos;
    // A post-processor template says what the model was trained to start with; otherwise go by name.
    const tpl = options.template;
    const bos = tpl ? (tpl.prefix.length === 1 ? tpl.prefix[0] : undefined) : findId(all, ['<|bos|>', '<s>', '<|startoftext|>']);
    if (bos !== undefined) this.bosId = bos;
  }

  /** BPE on one pre-token: repeatedly merge the adjacent pair of lowest merge rank. */
  private bpe(word: string): number[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const whole = this.options.ignoreMerges ? this.vocab.get(word) : undefined;
    let syms = whole !== undefined ? [word] : this.symbols(word);
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
    const ids = syms.map((s) => this.vocab.get(s)!);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  /** A pre-token's initial symbols: its characters, or `<0xNN>` bytes / unk for those outside the vocabulary. */
  private symbols(word: string): string[] {
    const { byteFallback, unkToken, fuseUnk } = this.options;
    const out: string[] = [];
    let lastUnk = false;
    for (const ch of word) {
      if (this.vocab.has(ch)) {
        out.push(ch);
        lastUnk = false;
        continue;
      }
      if (byteFallback) {
        const bytes = [...utf8.encode(ch)].map((b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
        if (bytes.every((b) => this.vocab.has(b))) {
          out.push(...bytes);
          lastUnk = false;
          continue;
        }
      }
      if (unkToken === undefined || !this.vocab.has(unkToken)) {
        throw new TokenizerError(C.BAD_JSON, `tokenizer vocabulary lacks the symbol '${ch}' (U+${ch.codePointAt(0)!.toString(16)}) and has no byte fallback or unk token`);
      }
      if (!(fuseUnk && lastUnk)) out.push(unkToken);
      lastUnk = true;
    }
    return out;
  }

  /** Text → ids without special tokens (HF `add_special_tokens=False`); callers add BOS via bosId. */
  encode(text: string): number[] {
    const out: number[] = [];
    const parts = this.addedRe ? text.split(this.addedRe) : [text];
    let offset = 0;
    parts.forEach((part, i) => {
      // split() with one capture group alternates plain text (even) and matched added tokens (odd).
      if (i % 2 === 1) out.push(this.addedByContent.get(part)!);
      else if (part) for (const w of this.pre.split(this.pre.normalize(part), offset === 0)) for (const id of this.bpe(w)) out.push(id);
      offset += part.length;
    });
    return out;
  }

  /** Text → ids with the post-processor's special tokens (HF `add_special_tokens=True`). */
  encodeWithSpecialTokens(text: string): number[] {
    const t = this.options.template;
    return t ? [...t.prefix, ...this.encode(text), ...t.suffix] : this.encode(text);
  }

  /** Ids → text through the decoder; special tokens are kept as their text. */
  decode(ids: number[]): string {
    const tokens = ids.map((id) => {
      const tok = this.idToToken[id];
      if (tok === undefined) throw new TokenizerError(C.BAD_ID, `decode: id ${id} is outside the vocabulary (size ${this.vocabSize})`);
      return tok;
    });
    return this.pre.decode(tokens);
  }

  /** The Hugging Face tokenizer.json (the loaded pipeline, or GPT-2's ByteLevel layout for trained ones). */
  toJSON(): string {
    const head = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: this.added.map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.special })),
      normalizer: this.pre.normalizerJson,
      pre_tokenizer: this.pre.preTokenizerJson,
      post_processor: this.options.postProcessorJson ?? BYTE_LEVEL_POST,
      decoder: this.pre.decoderJson,
    };
    const o = this.options;
    // The vocab is written by hand so entries keep id order (JS objects would hoist integer-like keys).
    const vocab = [...this.vocab].sort((a, b) => a[1] - b[1]).map(([t, id]) => `${JSON.stringify(t)}:${id}`).join(',');
    const merges = JSON.stringify(this.merges.map(([a, b]) => `${a} ${b}`));
    const flags = `"unk_token":${JSON.stringify(o.unkToken ?? null)},"continuing_subword_prefix":"","end_of_word_suffix":"","fuse_unk":${o.fuseUnk === true},"byte_fallback":${o.byteFallback === true}${o.ignoreMerges ? ',"ignore_merges":true' : ''}`;
    const model = `{"type":"BPE","dropout":null,${flags},"vocab":{${vocab}},"merges":${merges}}`;
    return `${JSON.stringify(head).slice(0, -1)},"model":${model}}`;
  }
}
