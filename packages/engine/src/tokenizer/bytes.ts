// GPT-2 byte-level pieces (Radford et al. 2019; openai/gpt-2 encoder.py `bytes_to_unicode`, and the
// HF ByteLevel pre-tokenizer): every byte maps to a printable unicode char so BPE runs on strings,
// and text is pre-split by the GPT-2 regex before merges.

/** byte → char: printable Latin-1 bytes map to themselves, the other 68 to U+0100 onward. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const out: string[] = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(keep.includes(b) ? b : 256 + n++);
  return out;
})();

export const CHAR_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** GPT-2 pre-tokenization pattern (openai/gpt-2 encoder.py, as in HF ByteLevel use_regex). */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const encoder = new TextEncoder();

/**
 * Split text into pre-tokens, each as its byte-level string. Like HF's Split with behavior "Isolated":
 * every match is a piece and so is any unmatched text between matches.
 */
export function preTokenize(text: string, split: RegExp = GPT2_SPLIT): string[] {
  const out: string[] = [];
  let pos = 0;
  for (const m of text.matchAll(split)) {
    if (m.index > pos) out.push(toByteLevel(text.slice(pos, m.index)));
    if (m[0]) out.push(toByteLevel(m[0]));
    pos = m.index + m[0].length;
  }
  if (pos < text.length) out.push(toByteLevel(text.slice(pos)));
  return out;
}

/**
 * An HF (Oniguruma/Rust) split pattern as a JS regex. Node 20 lacks inline modifier groups, so
 * `(?i:…)` (Llama-3 / Qwen2 contractions) is rewritten with each ASCII letter as [xX].
 */
export function hfPattern(src: string): RegExp {
  const js = src.replace(/\(\?i:([^()]*)\)/g, (_m, body: string) =>
    `(?:${body.replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)})`);
  return new RegExp(js, 'gu');
}

export function toByteLevel(s: string): string {
  let r = '';
  for (const b of encoder.encode(s)) r += BYTE_TO_CHAR[b];
  return r;
}

/** Inverse of toByteLevel; invalid UTF-8 sequences decode to U+FFFD (as HF's decoder). */
export function fromByteLevel(s: string): string {
  const bytes: number[] = [];
  for (const ch of s) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) bytes.push(b);
    else bytes.push(...encoder.encode(ch));
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}
