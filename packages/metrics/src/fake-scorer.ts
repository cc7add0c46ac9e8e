// A Scorer whose probabilities are set by hand, for tests of metrics (here and in the runner).
// Tokens are whitespace-led words ("The", " cat", " sat."): tokenize(" Paris is") = [" Paris", " is"].
import type { GenerateOptions, ScoreRequest, Scorer, TokenScore } from './scorer';

export interface TableScorerSpec {
  /** context (prompt + continuation prefix, exact string) → next-token probabilities. */
  readonly dists: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** prompt → the text generate() returns for it. */
  readonly generations?: Readonly<Record<string, string>>;
  /** Probability of a token absent from its context's table (default 1e-4). */
  readonly floor?: number;
}

export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/**
 * rank = 1 + number of listed tokens with a strictly higher probability (ties share the best
 * rank); an unlisted token gets `floor` and ranks after every listed token with more than floor.
 */
export function tableScorer(spec: TableScorerSpec): Scorer {
  const vocab = new Map<string, number>();
  const id = (w: string) => {
    if (!vocab.has(w)) vocab.set(w, vocab.size);
    return vocab.get(w)!;
  };
  const floor = spec.floor ?? 1e-4;
  const scoreOne = (r: ScoreRequest): TokenScore[] => {
    let ctx = r.prompt;
    return wordPieces(r.continuation).map((w) => {
      const dist = spec.dists[ctx] ?? {};
      const p = dist[w] ?? floor;
      const rank = 1 + Object.values(dist).filter((q) => q > p).length;
      ctx += w;
      return { id: id(w), logprob: Math.log(p), rank };
    });
  };
  return {
    score: (reqs) => Promise.resolve(reqs.map(scoreOne)),
    generate: (prompts, o: GenerateOptions) =>
      Promise.resolve(
        prompts.map((p) => {
          let t = wordPieces(spec.generations?.[p] ?? '').slice(0, o.maxNewTokens).join('');
          for (const s of o.stop ?? []) {
            const at = t.indexOf(s);
            if (at >= 0) t = t.slice(0, at);
          }
          return t;
        }),
      ),
    tokenize: (text) => wordPieces(text).map(id),
  };
}
