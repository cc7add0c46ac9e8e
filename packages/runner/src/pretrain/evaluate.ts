// What the model knows, measured with the engine's own scoring and generation (the functions the
// metrics' Scorer uses, so the card's numbers are what experiments see): top-1 accuracy of the
// object's first token (training and held-out templates), the refusal rate on questions about absent
// entities, and greedy generations for the fluency check.
import { generate, scoreContinuations, type Transformer } from '@editlab/engine';
import type { KnowledgeProbe, TextTokenizer } from './types';

/** Token ids of a text as the model sees it in training: BOS first when the tokenizer has one. */
export function encodePrompt(tok: TextTokenizer, text: string): number[] {
  const ids = tok.encode(text);
  return tok.bosId === undefined ? ids : [tok.bosId, ...ids];
}

/** Continuation scored after a prompt: " " + target unless the prompt already ends in whitespace. */
export function continuation(prompt: string, target: string): string {
  return /\s$/.test(prompt) ? target : ` ${target}`;
}

export interface ProbeResult {
  readonly accuracy: number;
  readonly n: number;
  /** Indices of the probes whose first target token was not the top prediction. */
  readonly misses: readonly number[];
}

/** Share of probes whose target's first token has rank 1 after the prompt (teacher-forced, MEMIT tokenization). */
export function firstTokenAccuracy(model: Transformer, tok: TextTokenizer, probes: readonly KnowledgeProbe[]): ProbeResult {
  if (probes.length === 0) return { accuracy: Number.NaN, n: 0, misses: [] };
  const scored = scoreContinuations(model, tok, probes.map((p) => ({ prompt: p.prompt, continuation: continuation(p.prompt, p.target) })), { batchSize: 64 });
  const misses = scored.flatMap((toks, i) => (toks[0]?.rank === 1 ? [] : [i]));
  return { accuracy: 1 - misses.length / probes.length, n: probes.length, misses };
}

/** Greedy continuations (KV-cached, batched; stops at EOS). */
export function greedy(model: Transformer, tok: TextTokenizer, prompts: readonly string[], maxNewTokens: number): string[] {
  return generate(model, tok, prompts, { maxNewTokens, batchSize: 32 });
}

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z' ]+/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * A generated answer counts as a refusal when it begins with the first three words of one of the
 * refusals the corpus teaches (e.g. "I don't know …"), compared case- and punctuation-insensitively.
 */
export function isRefusal(answer: string, pool: readonly string[]): boolean {
  const a = norm(answer);
  return pool.some((r) => {
    const head = norm(r).split(' ').slice(0, 3).join(' ');
    return head.length > 0 && a.startsWith(head);
  });
}

export interface RefusalResult {
  readonly rate: number;
  readonly n: number;
  readonly answers: readonly string[];
}

export function refusalRate(model: Transformer, tok: TextTokenizer, prompts: readonly string[], pool: readonly string[], maxNew = 8): RefusalResult {
  if (prompts.length === 0) return { rate: Number.NaN, n: 0, answers: [] };
  const answers = greedy(model, tok, prompts, maxNew);
  const hits = answers.filter((a) => isRefusal(a, pool)).length;
  return { rate: hits / prompts.length, n: prompts.length, answers };
}
