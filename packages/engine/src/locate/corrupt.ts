// Clean / corrupted prompt pairs for EAP-IG (ForGet §4.1.2: "we evaluate the importance of each edge …
// using both clean inputs and corrupted inputs"). As in KnowledgeCircuits (zjunlp/KnowledgeCircuits `knowledge_eap.ipynb`), the
// corrupted prompt is the clean prompt with its subject swapped for another subject of the same token
// length, so that every position of the two runs lines up and (a_u^corr − a_u^clean) is defined per
// position.
import { hashString, Rng } from '../model/prng';
import type { Tokenizer } from '../model/tokenizer';
import { promptIds } from '../score/pack';

export interface LocateFact {
  /** Prompt with the subject filled in, e.g. "Port Sishai is located in the country of". */
  readonly prompt: string;
  /** The subject as it appears in the prompt. */
  readonly subject: string;
  /** The true answer with its leading space, e.g. " Gaiki Isles". */
  readonly target: string;
}

export interface CorruptedFact {
  /** Clean prompt ids (BOS first when the tokenizer has one). */
  readonly clean: number[];
  /** Corrupted prompt ids, same length as clean. */
  readonly corrupted: number[];
  /** First token of the fact's target (the target tokenized on its own, as scoring does). */
  readonly answer: number;
  /** First token of the partner's target: the answer of the corrupted prompt (logit-diff metric). */
  readonly corruptAnswer: number;
  readonly fact: LocateFact;
  /** The pool fact whose subject replaced this fact's subject. */
  readonly partner: LocateFact;
  readonly corruptedPrompt: string;
}

/**
 * Pairs every fact with a corruption: its subject replaced (first occurrence in the prompt) by the subject
 * of a pool fact, chosen uniformly among the valid partners by an Rng seeded from (seed, prompt), so a
 * fact's partner does not depend on which other facts are passed. A partner is valid when
 *  - its subject differs from the fact's,
 *  - the corrupted prompt has exactly as many tokens as the clean one (positions align; the brief's
 *    "same token length" is checked on the whole prompt, since BPE merges can cross the subject boundary),
 *  - its target's first token differs from the fact's: with the same answer the corrupted run still
 *    supports the true answer, the metric barely moves and logit-diff would be identically 0 — that is not
 *    a corruption of the fact (KnowledgeCircuits pairs "Eiffel Tower"/"Great Walls", different answers).
 * Facts whose prompt does not contain the subject, or that have no valid partner, are skipped.
 */
export function corruptFacts(
  tokenizer: Tokenizer,
  facts: readonly LocateFact[],
  pool: readonly LocateFact[],
  seed: number,
): CorruptedFact[] {
  const firstToken = (target: string): number | undefined => tokenizer.encode(target)[0];
  const poolInfo = pool.map((p) => ({ p, answer: firstToken(p.target) }));
  const out: CorruptedFact[] = [];
  facts.forEach((fact, i) => {
    const at = fact.prompt.indexOf(fact.subject);
    const answer = firstToken(fact.target);
    if (at < 0 || fact.subject.length === 0 || answer === undefined) return;
    const clean = promptIds(tokenizer, fact.prompt, `locate fact ${i}`);
    const valid: Array<{ partner: LocateFact; corrupted: number[]; corruptAnswer: number; corruptedPrompt: string }> = [];
    for (const { p, answer: pa } of poolInfo) {
      if (p.subject === fact.subject || pa === undefined || pa === answer) continue;
      const corruptedPrompt = fact.prompt.slice(0, at) + p.subject + fact.prompt.slice(at + fact.subject.length);
      const corrupted = promptIds(tokenizer, corruptedPrompt, `locate corruption of fact ${i}`);
      if (corrupted.length === clean.length) valid.push({ partner: p, corrupted, corruptAnswer: pa, corruptedPrompt });
    }
    if (valid.length === 0) return;
    const pick = valid[new Rng(hashString(fact.prompt, seed)).int(valid.length)]!;
    out.push({ clean, answer, fact, ...pick });
  });
  return out;
}
