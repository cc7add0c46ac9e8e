// Load a BPE tokenizer from a Hugging Face tokenizer.json (path or JSON text): byte-level (GPT-2,
// Qwen2, Llama-3) or SentencePiece-style with byte fallback (Llama-2, Mistral). Accepts the GPT-2
// layout (merges as "a b" strings) and the newer one (merges as [a, b] pairs).
import { existsSync, readFileSync } from 'node:fs';
import { BpeTokenizer } from './bpe';
import type { AddedToken, BpeModelOptions } from './bpe';
import { TokenizerError, TokenizerErrorCode as C } from './errors';
import { pipelineFromJson } from './pipeline';
import { templateFromJson } from './template';

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
  const pre = pipelineFromJson(j, bad);
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
  return new BpeTokenizer(vocab, merges, added, pre, modelOptions(j, model!, bad));
}

/** byte_fallback, unk_token, fuse_unk, ignore_merges and the post-processor template. */
function modelOptions(j: Record<string, unknown>, model: Record<string, unknown>, bad: (msg: string) => never): BpeModelOptions {
  if (model.dropout != null && model.dropout !== 0) bad(`model.dropout ${JSON.stringify(model.dropout)} is not supported (BPE-dropout is for training)`);
  for (const k of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[k] != null && model[k] !== '') bad(`model.${k} ${JSON.stringify(model[k])} is not supported`);
  }
  const post = j.post_processor as { type?: string } | null | undefined;
  const template = templateFromJson(post, bad);
  return {
    ...(model.byte_fallback === true ? { byteFallback: true } : {}),
    ...(typeof model.unk_token === 'string' ? { unkToken: model.unk_token } : {}),
    ...(model.fuse_unk === true ? { fuseUnk: true } : {}),
    ...(model.ignore_merges === true ? { ignoreMerges: true } : {}),
    ...(template ? { template, postProcessorJson: post } : {}),
  };
}
