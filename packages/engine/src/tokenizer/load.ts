// Load a byte-level BPE tokenizer from a Hugging Face tokenizer.json (path or JSON text). Accepts the
// GPT-2 layout (merges as "a b" strings) and the newer one (merges as [a, b] pairs).
import { existsSync, readFileSync } from 'node:fs';
import { BpeTokenizer } from './bpe';
import type { AddedToken, PreTokenization } from './bpe';
import { GPT2_SPLIT, hfPattern } from './bytes';
import { TokenizerError, TokenizerErrorCode as C } from './errors';

export function loadTokenizer(pathOrJson: string): BpeTokenizer {
  const isJson = pathOrJson.trimStart().startsWith('{');
  const where = isJson ? 'tokenizer.json text' : pathOrJson;
  const bad = (msg: string): never => {
    throw new TokenizerError(C.BAD_JSON, `${where}: ${msg}`);
  };
  if (!isJson && !existsSync(pathOrJson)) bad('file not found');
  let j: Record<string, unknown> = {};
  try {
    j = JSON.parse(isJson ? pathOrJson : readFileSync(pathOrJson, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    bad(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) bad(`must be a JSON object, got ${Array.isArray(j) ? 'a list' : JSON.stringify(j)}`);
  const model = j.model as Record<string, unknown> | undefined;
  if (!model || model.type !== 'BPE') bad(`model.type is ${JSON.stringify(model?.type)}, only "BPE" is supported`);
  const pre = preTokenization(j, bad);
  const vocabObj = model!.vocab;
  if (typeof vocabObj !== 'object' || vocabObj === null) bad('model.vocab is missing');
  const vocab = new Map<string, number>();
  for (const [t, id] of Object.entries(vocabObj as Record<string, unknown>)) {
    if (!Number.isSafeInteger(id) || (id as number) < 0) bad(`model.vocab[${JSON.stringify(t)}] is not a non-negative integer id`);
    vocab.set(t, id as number);
  }
  if (!Array.isArray(model!.merges)) bad('model.merges is missing');
  const merges = (model!.merges as unknown[]).map((m, i): [string, string] => {
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
    if (typeof m === 'string') {
      const k = m.indexOf(' ', 1);
      if (k > 0) return [m.slice(0, k), m.slice(k + 1)];
    }
    return bad(`model.merges[${i}] ${JSON.stringify(m)} is not "a b" or ["a", "b"]`);
  });
  if (j.added_tokens != null && !Array.isArray(j.added_tokens)) bad('added_tokens must be a list');
  const added: AddedToken[] = ((j.added_tokens as unknown[] | null | undefined) ?? []).map((t, i) => {
    const a = (t ?? {}) as { id?: unknown; content?: unknown; special?: unknown };
    if (!Number.isSafeInteger(a.id) || typeof a.content !== 'string') bad(`added_tokens[${i}] needs an integer id and a string content`);
    return { id: a.id as number, content: a.content as string, special: a.special !== false };
  });
  return new BpeTokenizer(vocab, merges, added, pre);
}

type PreJson = { type?: string; use_regex?: boolean; pretokenizers?: PreJson[]; pattern?: { Regex?: string; String?: string }; behavior?: string; invert?: boolean };

/**
 * The supported pre-tokenizers: ByteLevel with the GPT-2 regex (GPT-2, our own files), and
 * Sequence[Split(Regex, Isolated), ByteLevel(use_regex: false)] (Llama-3, Qwen2); normalizer null or NFC.
 */
function preTokenization(j: Record<string, unknown>, bad: (msg: string) => never): PreTokenization {
  const norm = j.normalizer as { type?: string } | null | undefined;
  if (norm != null && norm.type !== 'NFC') bad(`normalizer ${JSON.stringify(norm.type)} is not supported (null or NFC)`);
  const nfc = norm?.type === 'NFC';
  const p = (j.pre_tokenizer ?? null) as PreJson | null;
  const base = { nfc, normalizerJson: norm ?? null, preTokenizerJson: p };
  if (p?.type === 'ByteLevel' && p.use_regex !== false) return { ...base, split: GPT2_SPLIT };
  const steps = p?.type === 'Sequence' && Array.isArray(p.pretokenizers) ? p.pretokenizers : [];
  const [split, byteLevel] = steps;
  if (steps.length === 2 && split?.type === 'Split' && byteLevel?.type === 'ByteLevel' && byteLevel.use_regex === false) {
    if (split.behavior !== 'Isolated' || split.invert) bad(`pre_tokenizer Split behavior ${JSON.stringify(split.behavior)} (invert ${String(split.invert)}) is not supported (Isolated)`);
    const src = split.pattern?.Regex;
    if (typeof src !== 'string') bad('pre_tokenizer Split needs a pattern.Regex');
    try {
      return { ...base, split: hfPattern(src!) };
    } catch (e) {
      return bad(`pre_tokenizer Split pattern cannot be compiled (${(e as Error).message})`);
    }
  }
  return bad(`pre_tokenizer ${JSON.stringify(p?.type ?? null)} is not supported; only byte-level BPE (ByteLevel, or Split + ByteLevel as in Llama-3 / Qwen2)`);
}
