// ROUGE-1 and ROUGE-L as Google's `rouge_score` computes them with
// `RougeScorer(["rouge1","rougeL"], use_stemmer=True).score(target, prediction)` (TOFU
// `evaluate_util.py::eval_rouge_recall`, PISTOL `eval_util.py`; docs/definitions.md §1.5).
// Tokenizer (rouge_score/tokenize.py): lowercase → replace [^a-z0-9]+ by a space → split →
// Porter-stem tokens longer than 3 characters → keep tokens matching ^[a-z0-9]+$.
// Stemming: porter.ts, a port of NLTK's PorterStemmer (the one rouge_score calls).
import { porterStem } from './porter';

export interface RougeScore {
  readonly precision: number;
  readonly recall: number;
  readonly fmeasure: number;
}

export interface RougeResult {
  readonly rouge1: RougeScore;
  readonly rougeL: RougeScore;
}

/** rouge_score's DefaultTokenizer(use_stemmer). */
export function rougeTokenize(text: string, useStemmer = true): string[] {
  const toks = text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').split(/\s+/);
  return toks
    .map((t) => (useStemmer && t.length > 3 ? porterStem(t) : t))
    .filter((t) => /^[a-z0-9]+$/.test(t));
}

/** rouge_scorer._score_ngrams / _score_lcs: P = hits/|pred|, R = hits/|target|, F = 2PR/(P+R). */
function fromHits(hits: number, nTarget: number, nPred: number): RougeScore {
  if (nTarget === 0 || nPred === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const precision = hits / nPred;
  const recall = hits / nTarget;
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fmeasure };
}

/** Clipped unigram overlap Σ_g min(count_target(g), count_pred(g)). */
function unigramHits(target: readonly string[], pred: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const t of target) counts.set(t, (counts.get(t) ?? 0) + 1);
  let hits = 0;
  for (const p of pred) {
    const c = counts.get(p) ?? 0;
    if (c > 0) {
      hits++;
      counts.set(p, c - 1);
    }
  }
  return hits;
}

/** Length of the longest common subsequence (dynamic programming, O(|a|·|b|)). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      cur[j] = x === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** rouge_score `score(target, prediction)` for rouge1 and rougeL (sentence-level LCS). */
export function rouge(target: string, prediction: string, useStemmer = true): RougeResult {
  const t = rougeTokenize(target, useStemmer);
  const p = rougeTokenize(prediction, useStemmer);
  return {
    rouge1: fromHits(unigramHits(t, p), t.length, p.length),
    rougeL: fromHits(lcsLength(t, p), t.length, p.length),
  };
}
