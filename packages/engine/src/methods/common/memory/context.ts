// Queries with an edit in context, as the memory-based editors build them: SERAC's counterfactual model reads
// the edit before the input (Mitchell et al. 2022, §3.1, "the counterfactual model is conditioned on the edit"),
// LTE puts the updated information before the question (Jiang et al. 2024, §3.1). Training examples and routed
// queries are built token by token the same way (context tokens, then the query's own tokens), so the side
// model is scored on exactly the sequences it was trained on.
import type { Rng } from '../../../model/prng';
import type { Tokenizer } from '../../../model/tokenizer';
import type { TokenExample } from '../../../train/batch';
import type { RewriteRequest } from '../../editor';
import { queryIds, withoutBos } from './features';

/** An edit as text: its prompt followed by its new target ("The capital of Varonia is Quelmir."). */
export const editText = (r: Pick<RewriteRequest, 'prompt' | 'targetNew'>): string => `${r.prompt}${r.targetNew}.`;

/** Token ids of the context text then the query (the query's BOS moved to the front). */
export function inContext(tok: Tokenizer, context: string, query: readonly number[]): number[] {
  return [...queryIds(tok, context), ...withoutBos(tok, query)];
}

/** A training example: the query after the context, loss on the target's tokens only. */
export function contextExample(tok: Tokenizer, context: string, query: string, target: string): TokenExample {
  const prompt = inContext(tok, context, queryIds(tok, query));
  return { ids: [...prompt, ...tok.encode(target)], lossFrom: prompt.length };
}

/**
 * Each request's training targets: its new target, then `extra` other targets of the same relation drawn from
 * the split (any record's new or old target, not this one's new target). Training a side model on an edit with
 * substituted targets, in context and as the answer alike, makes copying from the context the only way to lower
 * the loss: without it a model trained on a few hundred records memorises their targets (docs/memory-editors.md).
 */
export function targetVariants(requests: readonly RewriteRequest[], extra: number, rng: Rng): string[][] {
  const pool = new Map<string, string[]>();
  for (const r of requests) {
    const k = r.relationId ?? '';
    const xs = pool.get(k) ?? [];
    for (const t of [r.targetNew, r.targetTrue]) if (t !== undefined && !xs.includes(t)) xs.push(t);
    pool.set(k, xs);
  }
  return requests.map((r) => {
    const others = (pool.get(r.relationId ?? '') ?? []).filter((t) => t !== r.targetNew);
    const out = [r.targetNew];
    for (let i = 0; i < extra && others.length; i++) out.push(others[Math.floor(rng.next() * others.length)]!);
    return out;
  });
}
