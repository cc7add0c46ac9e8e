// The text pipeline around the BPE model, read from a Hugging Face tokenizer.json: normalizer,
// pre-tokenizer and decoder (huggingface/tokenizers, src/normalizers, src/pre_tokenizers, src/decoders).
// Two families are supported: byte-level (GPT-2, Qwen2, Llama-3: ByteLevel with or without a Split
// regex, normalizer null or NFC) and SentencePiece-style (Llama-2, Mistral: `▁` for spaces via a
// Prepend/Replace normalizer or a Metaspace pre-tokenizer; decoder Replace/ByteFallback/Fuse/Strip or
// Metaspace).
import { GPT2_SPLIT, fromByteLevel, hfPattern, preTokenize } from './bytes';

/** How plain text is normalised and split before BPE, and how tokens are joined back. */
export interface PreTokenization {
  /** The normalizer, applied to each span of text between added tokens. */
  readonly normalize: (text: string) => string;
  /** Split one normalised span into pieces for BPE; `atStart` is true when the span begins the input. */
  readonly split: (text: string, atStart: boolean) => string[];
  /** The decoder: token strings (added tokens included, verbatim) → text. */
  readonly decode: (tokens: readonly string[]) => string;
  /** The tokenizer.json objects this came from, written back by toJSON. */
  readonly normalizerJson: unknown;
  readonly preTokenizerJson: unknown;
  readonly decoderJson: unknown;
}

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

/** Byte-level pre-tokenization with a split regex (GPT-2's by default), optional NFC normaliser. */
export function byteLevel(split: RegExp = GPT2_SPLIT, nfc = false, normalizerJson: unknown = null, preTokenizerJson: unknown = BYTE_LEVEL): PreTokenization {
  return {
    normalize: nfc ? (t) => t.normalize('NFC') : (t) => t,
    split: (t) => preTokenize(t, split),
    decode: (tokens) => fromByteLevel(tokens.join('')),
    normalizerJson,
    preTokenizerJson,
    decoderJson: BYTE_LEVEL,
  };
}

export const GPT2_PRE: PreTokenization = byteLevel();

type Json = Record<string, unknown> & { type?: string };
type Bad = (msg: string) => never;

/** A `pattern` field ({ String: "…" }); Regex patterns are not used by the supported families. */
function literal(p: unknown, where: string, bad: Bad): string {
  const s = (p as { String?: unknown } | undefined)?.String;
  return typeof s === 'string' ? s : bad(`${where}: only a { "String": … } pattern is supported`);
}

/** normalizers: null, NFC, Prepend, Replace (String pattern), Sequence of these (Llama-2's Prepend + Replace). */
function normalizer(j: Json | null, bad: Bad): (t: string) => string {
  if (j == null) return (t) => t;
  switch (j.type) {
    case 'NFC':
      return (t) => t.normalize('NFC');
    case 'Prepend': {
      const p = String(j.prepend);
      return (t) => (t ? p + t : t); // normalizers/prepend.rs: only a non-empty string
    }
    case 'Replace': {
      const from = literal(j.pattern, 'normalizer Replace', bad);
      const to = String(j.content);
      return (t) => t.replaceAll(from, to);
    }
    case 'Sequence': {
      const fs = ((j.normalizers as Json[] | undefined) ?? []).map((n) => normalizer(n, bad));
      return (t) => fs.reduce((s, f) => f(s), t);
    }
    default:
      return bad(`normalizer ${JSON.stringify(j.type)} is not supported (null, NFC, Prepend, Replace or a Sequence of them)`);
  }
}

/** pre_tokenizers/metaspace.rs: spaces → replacement, prepend per scheme, optionally split before each replacement. */
function metaspace(j: Json): (t: string, atStart: boolean) => string[] {
  const rep = typeof j.replacement === 'string' ? j.replacement : '▁';
  // Files before tokenizers 0.14 say add_prefix_space instead of prepend_scheme.
  const scheme = typeof j.prepend_scheme === 'string' ? j.prepend_scheme : j.add_prefix_space === false ? 'never' : 'always';
  const splitOn = j.split !== false;
  return (t, atStart) => {
    let s = t.replaceAll(' ', rep);
    if (!s.startsWith(rep) && (scheme === 'always' || (scheme === 'first' && atStart))) s = rep + s;
    if (!splitOn) return s ? [s] : [];
    // SplitDelimiterBehavior::MergedWithNext: each replacement starts a new piece.
    const out: string[] = [];
    let start = 0;
    for (let i = s.indexOf(rep, 1); i > 0; i = s.indexOf(rep, i + rep.length)) {
      out.push(s.slice(start, i));
      start = i;
    }
    if (start < s.length) out.push(s.slice(start));
    return out;
  };
}

type PreJson = Json & { use_regex?: boolean; pretokenizers?: PreJson[]; pattern?: { Regex?: string }; behavior?: string; invert?: boolean };

/** decoders: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence. Each maps a token list to a token list. */
function decoder(j: Json | null, bad: Bad): (tokens: string[]) => string[] {
  if (j == null) return (ts) => [ts.join(' ')]; // tokenizer.rs decode without a decoder joins with spaces
  switch (j.type) {
    case 'ByteLevel':
      return (ts) => [fromByteLevel(ts.join(''))];
    case 'Metaspace': {
      const rep = typeof j.replacement === 'string' ? j.replacement : '▁';
      const strip = (typeof j.prepend_scheme === 'string' ? j.prepend_scheme : j.add_prefix_space === false ? 'never' : 'always') !== 'never';
      return (ts) => ts.map((t, i) => {
        const s = t.replaceAll(rep, ' ');
        return i === 0 && strip && s.startsWith(' ') ? s.slice(1) : s;
      });
    }
    case 'Replace': {
      const from = literal(j.pattern, 'decoder Replace', bad);
      const to = String(j.content);
      return (ts) => ts.map((t) => t.replaceAll(from, to));
    }
    case 'ByteFallback':
      return byteFallback;
    case 'Fuse':
      return (ts) => [ts.join('')];
    case 'Strip': {
      const c = String(j.content), start = Number(j.start ?? 0), stop = Number(j.stop ?? 0);
      return (ts) => ts.map((t) => {
        const cs = [...t];
        let a = 0, b = cs.length;
        while (a < start && a < b && cs[a] === c) a++;
        while (cs.length - b < stop && b > a && cs[b - 1] === c) b--;
        return cs.slice(a, b).join('');
      });
    }
    case 'Sequence': {
      const fs = ((j.decoders as Json[] | undefined) ?? []).map((d) => decoder(d, bad));
      return (ts) => fs.reduce((acc, f) => f(acc), ts);
    }
    default:
      return bad(`decoder ${JSON.stringify(j.type)} is not supported (ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence)`);
  }
}

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** decoders/byte_fallback.rs: runs of <0xNN> tokens become their UTF-8 text, or one U+FFFD per byte if invalid. */
function byteFallback(tokens: string[]): string[] {
  const out: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (!run.length) return;
    try {
      out.push(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(run)));
    } catch {
      for (let i = 0; i < run.length; i++) out.push('\uFFFD');
    }
    run = [];
  };
  for (const t of tokens) {
    const m = BYTE_TOKEN.exec(t);
    if (m) run.push(parseInt(m[1]!, 16));
    else {
      flush();
      out.push(t);
    }
  }
  flush();
  return out;
}

/** The pipeline of a tokenizer.json, or a clear error naming the unsupported piece. */
export function pipelineFromJson(j: Record<string, unknown>, bad: Bad): PreTokenization {
  const normJson = (j.normalizer ?? null) as Json | null;
  const p = (j.pre_tokenizer ?? null) as PreJson | null;
  const decJson = (j.decoder ?? null) as Json | null;
  const base = { normalizerJson: normJson, preTokenizerJson: p };
  const byteLevelDecoder = decJson?.type === 'ByteLevel';
  if (p?.type === 'ByteLevel' || p?.type === 'Sequence') {
    if (normJson != null && normJson.type !== 'NFC') bad(`normalizer ${JSON.stringify(normJson.type)} is not supported with a ByteLevel pre-tokenizer (null or NFC)`);
    if (decJson != null && !byteLevelDecoder) bad(`decoder ${JSON.stringify(decJson.type)} is not supported with a ByteLevel pre-tokenizer (ByteLevel)`);
    const nfc = normJson?.type === 'NFC';
    if (p.type === 'ByteLevel' && p.use_regex !== false) return byteLevel(GPT2_SPLIT, nfc, normJson, p);
    const steps = p.type === 'Sequence' && Array.isArray(p.pretokenizers) ? p.pretokenizers : [];
    const [split, bl] = steps;
    if (steps.length === 2 && split?.type === 'Split' && bl?.type === 'ByteLevel' && bl.use_regex === false) {
      if (split.behavior !== 'Isolated' || split.invert) bad(`pre_tokenizer Split behavior ${JSON.stringify(split.behavior)} (invert ${String(split.invert)}) is not supported (Isolated)`);
      const src = split.pattern?.Regex;
      if (typeof src !== 'string') bad('pre_tokenizer Split needs a pattern.Regex');
      let re: RegExp;
      try {
        re = hfPattern(src!);
      } catch (e) {
        return bad(`pre_tokenizer Split pattern cannot be compiled (${(e as Error).message})`);
      }
      return byteLevel(re, nfc, normJson, p);
    }
  }
  if (p == null || p.type === 'Metaspace') {
    if (byteLevelDecoder) bad('decoder "ByteLevel" needs a ByteLevel pre-tokenizer');
    const norm = normalizer(normJson, bad);
    const split = p == null ? (t: string) => (t ? [t] : []) : metaspace(p);
    const dec = decoder(decJson, bad);
    return { ...base, decoderJson: decJson, normalize: norm, split, decode: (ts) => dec([...ts]).join('') };
  }
  return bad(`pre_tokenizer ${JSON.stringify(p.type)} is not supported; only ByteLevel (GPT-2), Split + ByteLevel (Llama-3, Qwen2), Metaspace or none (Llama-2, Mistral)`);
}
