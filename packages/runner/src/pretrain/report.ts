// The end-of-run evaluation recorded in the model card: knowledge on training and held-out templates,
// refusal on absent entities, and fluency of greedy generations on the generation prompts.
import type { Transformer } from '@editlab/engine';
import { nGramEntropy, simpleWordTokenize } from '@editlab/metrics';
import { firstTokenAccuracy, generatable, greedy, refusalRate } from './evaluate';
import type { KnowledgeSource, TextTokenizer } from './types';

export interface EvalReport {
  readonly train: { accuracy: number; n: number };
  readonly heldOut: { accuracy: number; n: number };
  /** Held-out question templates in the QA format (when the source has them). */
  readonly qaHeldOut?: { accuracy: number; n: number };
  readonly refusal: { rate: number; n: number };
  readonly fluency?: { ngramEntropy: number; n: number; metric: string };
  readonly samples: ReadonlyArray<{ prompt: string; output: string }>;
  /** Probes and prompts left out of the checks above because they are longer than the model's window (absent: none). */
  readonly skipped?: number;
}

/** At most `limit` items, evenly spaced over the list (deterministic). */
export function spread<T>(xs: readonly T[], limit?: number): T[] {
  if (limit === undefined || xs.length <= limit) return [...xs];
  return Array.from({ length: limit }, (_, i) => xs[Math.floor((i * xs.length) / limit)]!);
}

export function evaluateModel(model: Transformer, tok: TextTokenizer, src: KnowledgeSource, limit?: number): EvalReport {
  const train = firstTokenAccuracy(model, tok, spread(src.trainProbes, limit));
  const heldOut = firstTokenAccuracy(model, tok, spread(src.heldOutProbes, limit));
  const qa = src.qaProbes?.length ? firstTokenAccuracy(model, tok, spread(src.qaProbes, limit)) : undefined;
  const refusal = refusalRate(model, tok, spread(src.refusalPrompts, limit), src.refusalPool);
  const wanted = spread(src.generationPrompts, Math.min(limit ?? 100, 100));
  const genPrompts = generatable(model, tok, wanted);
  const gens = greedy(model, tok, genPrompts, 40);
  // MEMIT/EasyEdit n-gram entropy ×100 (the metrics package's), over the cards' word tokens.
  const fluency = gens.length ? { ngramEntropy: 100 * nGramEntropy(gens, simpleWordTokenize), metric: 'n-gram entropy ×100 (MEMIT/EasyEdit, greedy decoding, 40 new tokens)' } : undefined;
  const samples = generatable(model, tok, [
    ...spread(src.trainProbes, 2).map((p) => p.prompt),
    ...spread(src.refusalPrompts, 1),
    ...genPrompts.slice(0, 2),
  ]);
  const skipped = train.skipped + heldOut.skipped + (qa?.skipped ?? 0) + refusal.skipped + wanted.length - genPrompts.length;
  const outs = greedy(model, tok, samples, 16);
  return {
    train: { accuracy: train.accuracy, n: train.n },
    heldOut: { accuracy: heldOut.accuracy, n: heldOut.n },
    ...(qa ? { qaHeldOut: { accuracy: qa.accuracy, n: qa.n } } : {}),
    refusal: { rate: refusal.rate, n: refusal.n },
    ...(fluency ? { fluency: { ...fluency, n: gens.length } } : {}),
    samples: samples.map((prompt, i) => ({ prompt, output: outs[i]! })),
    ...(skipped ? { skipped } : {}),
  };
}
