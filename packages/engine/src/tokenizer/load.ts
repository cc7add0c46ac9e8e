// Load a byte-level BPE tokenizer from a Hugging Face tokenizer.json (path or JSON text). Accepts the
// GPT-2 layout (merges as "a b" strings) and the newer one (merges as [a, b] pairs).
import { existsSync, readFileSync } from 'node:fs';
import { BpeTokenizer } from './bpe';
import type { AddedToken } from './bpe';
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
  const model = j.model as Record<string, unknown> | undefined;
  if (!model || model.type !== 'BPE') bad(`model.type is ${JSON.stringify(model?.type)}, only "BPE" is supported`);
  const pre = j.pre_tokenizer as { type?: string; pretokenizers?: Array<{ type?: string }> } | null;
  const preTypes = pre?.type === 'Sequence' ? (pre.pretokenizers ?? []).map((p) => p.type) : [pre?.type];
  if (!preTypes.includes('ByteLevel')) bad(`pre_tokenizer ${JSON.stringify(pre?.type ?? null)} is not ByteLevel; only byte-level BPE (GPT-2 style) is supported`);
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
  const added: AddedToken[] = ((j.added_tokens as unknown[] | undefined) ?? []).map((t, i) => {
    const a = t as { id?: unknown; content?: unknown; special?: unknown };
    if (!Number.isSafeInteger(a.id) || typeof a.content !== 'string') bad(`added_tokens[${i}] needs an integer id and a string content`);
    return { id: a.id as number, content: a.content as string, special: a.special !== false };
  });
  return new BpeTokenizer(vocab, merges, added);
}
