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

/**
 * The long-record rule in pretraining (docs/metrics.md "Records longer than the context window"): whether
 * BOS + prompt + continuation fits the model's window; a generation prompt (no continuation) needs room
 * for one new token. Probes and prompts that do not fit are left out of the evaluation and counted.
 */
export function fitsWindow(model: Transformer, tok: TextTokenizer, prompt: string, cont?: string): boolean {
  return encodePrompt(tok, prompt).length + (cont === undefined ? 1 : tok.encode(cont).length) <= model.config.maxSeq;
}

export interface ProbeResult {
  readonly accuracy: number;
  /** Probes evaluated (those that fit the window). */
  readonly n: number;
  /** Indices (among the evaluated probes) of those whose first target token was not the top prediction. */
  readonly misses: readonly number[];
  /** Probes left out: longer than the model's window. */
  readonly skipped: number;
}

/** Share of probes whose target's first token has rank 1 after the prompt (teacher-forced, MEMIT tokenization). */
export function firstTokenAccuracy(model: Transformer, tok: TextTokenizer, all: readonly KnowledgeProbe[]): ProbeResult {
  const probes = all.filter((p) => fitsWindow(model, tok, p.prompt, continuation(p.prompt, p.target)));
  const skipped = all.length - probes.length;
  if (probes.length === 0) return { accuracy: Number.NaN, n: 0, misses: [], skipped };
  const scored = scoreContinuations(model, tok, probes.map((p) => ({ prompt: p.prompt, continuation: continuation(p.prompt, p.target) })), { batchSize: 64 });
  const misses = scored.flatMap((toks, i) => (toks[0]?.rank === 1 ? [] : [i]));
  return { accuracy: 1 - misses.length / probes.length, n: probes.length, misses, skipped };
}

/** The prompts that leave room for a generated token in the model's window. */
export function generatable(model: Transformer, tok: TextTokenizer, prompts: readonly string[]): string[] {
  return prompts.filter((p) => fitsWindow(model, tok, p));
}

/** Greedy continuations (KV-cached, batched; stops at EOS) of prompts that fit the window (generatable). */
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
  /** Prompts left out: longer than the model's window. */
  readonly skipped: number;
}

export function refusalRate(model: Transformer, tok: TextTokenizer, all: readonly string[], pool: readonly string[], maxNew = 8): RefusalResult {
  const prompts = generatable(model, tok, all);
  const skipped = all.length - prompts.length;
  if (prompts.length === 0) return { rate: Number.NaN, n: 0, answers: [], skipped };
  const answers = greedy(model, tok, prompts, maxNew);
  const hits = answers.filter((a) => isRefusal(a, pool)).length;
  return { rate: hits / prompts.length, n: prompts.length, answers, skipped };
}
