// What the model knows: top-1 accuracy of the object's first token (training and held-out templates),
// the refusal rate on questions about absent entities, and greedy generations for the fluency check.
// Prompts are grouped by token length and run unpadded, so no attention mask is needed.
import * as tf from '@tensorflow/tfjs';
import type { CausalLM, KnowledgeProbe, TextTokenizer } from './types';

/** Continuation scored after a prompt: " " + target unless the prompt already ends in whitespace. */
export function continuation(prompt: string, target: string): string {
  return /\s$/.test(prompt) ? target : ` ${target}`;
}

/** Token ids of a prompt as the model sees it: BOS first when the tokenizer has one. */
export function encodePrompt(tok: TextTokenizer, text: string): number[] {
  const ids = tok.encode(text);
  return tok.bosId === undefined ? ids : [tok.bosId, ...ids];
}

/** Group indices of token sequences by length. */
function byLength(seqs: readonly number[][]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  seqs.forEach((s, i) => {
    const g = groups.get(s.length) ?? [];
    g.push(i);
    groups.set(s.length, g);
  });
  return groups;
}

/** argmax of the next-token logits after each sequence (all of one length), in chunks of `batch`. */
function nextTokens(model: CausalLM, seqs: readonly number[][], batch: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < seqs.length; s += batch) {
    const chunk = seqs.slice(s, s + batch);
    const T = chunk[0]!.length;
    const ids = tf.tidy(() => {
      const logits = model.forward(tf.tensor2d(chunk.flat(), [chunk.length, T], 'int32')); // [B, T, V]
      const V = logits.shape[2]!;
      return tf.argMax(tf.reshape(tf.slice(logits, [0, T - 1, 0], [-1, 1, -1]), [chunk.length, V]), -1);
    });
    out.push(...(ids.dataSync() as Int32Array)); // sync point
    ids.dispose();
  }
  return out;
}

export interface ProbeResult {
  readonly accuracy: number;
  readonly n: number;
  /** Indices of the probes whose first target token was not the top prediction. */
  readonly misses: readonly number[];
}

/** Share of probes whose target's first token is the model's top-1 next token after the prompt. */
export function firstTokenAccuracy(model: CausalLM, tok: TextTokenizer, probes: readonly KnowledgeProbe[], batch = 64): ProbeResult {
  if (probes.length === 0) return { accuracy: Number.NaN, n: 0, misses: [] };
  const prompts = probes.map((p) => encodePrompt(tok, p.prompt));
  const firsts = probes.map((p) => tok.encode(continuation(p.prompt, p.target))[0]);
  const misses: number[] = [];
  for (const idx of byLength(prompts).values()) {
    const top = nextTokens(model, idx.map((i) => prompts[i]!), batch);
    idx.forEach((i, k) => { if (top[k] !== firsts[i]) misses.push(i); });
  }
  misses.sort((a, b) => a - b);
  return { accuracy: 1 - misses.length / probes.length, n: probes.length, misses };
}

/** Greedy continuation of each prompt, up to maxNew tokens or EOS (recomputes the prefix each step). */
export function greedyGenerate(model: CausalLM, tok: TextTokenizer, prompts: readonly string[], maxNew: number, batch = 32): string[] {
  const seqs = prompts.map((p) => encodePrompt(tok, p));
  const gen: number[][] = prompts.map(() => []);
  for (const idx of byLength(seqs).values()) {
    for (let s = 0; s < idx.length; s += batch) {
      const chunk = idx.slice(s, s + batch);
      const cur = chunk.map((i) => seqs[i]!.slice());
      const done = chunk.map(() => false);
      for (let t = 0; t < maxNew && done.some((d) => !d); t++) {
        const next = nextTokens(model, cur, cur.length);
        chunk.forEach((i, k) => {
          cur[k]!.push(next[k]!);
          if (done[k]) return;
          if (next[k] === tok.eosId) done[k] = true;
          else gen[i]!.push(next[k]!);
        });
      }
    }
  }
  return gen.map((g) => tok.decode(g));
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
  readonly examples: ReadonlyArray<{ prompt: string; answer: string }>;
}

export function refusalRate(model: CausalLM, tok: TextTokenizer, prompts: readonly string[], pool: readonly string[], maxNew = 8): RefusalResult {
  if (prompts.length === 0) return { rate: Number.NaN, n: 0, examples: [] };
  const answers = greedyGenerate(model, tok, prompts, maxNew);
  const hits = answers.filter((a) => isRefusal(a, pool)).length;
  return { rate: hits / prompts.length, n: prompts.length, examples: answers.slice(0, 3).map((answer, i) => ({ prompt: prompts[i]!, answer })) };
}
