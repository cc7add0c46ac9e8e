// Fluency = n-gram entropy of generations (docs/definitions.md §1.3; MEMIT/AlphaEdit and EasyEdit
// `compute_n_gram_entropy` / `n_gram_entropy`): E = mean(2/3·H₂, 4/3·H₃) = H₂/3 + 2·H₃/3 with
// Hₙ = −Σ f·log₂ f over the n-gram frequency distribution of the word tokens; mean over texts.
import { MetricsError } from './errors';
import type { Scorer } from './scorer';
import { mean } from './stats';

const CONTRACTIONS = /^(.+?)('s|'S|'re|'RE|'ve|'VE|'ll|'LL|'d|'D|'m|'M|n't|N'T)$/;
const LEADING = /^([("`[{]+)(.*)$/;
const TRAILING = /^(.*?)([,;:!?)"'\]}]+)$/;
const INITIALS = /^(?:[A-Za-z]\.)+$/;
const quote = (c: string, open: boolean) => (c === '"' ? (open ? '``' : "''") : c);

/**
 * Word tokens approximating `nltk.word_tokenize` (punkt sentences, then NLTK's Treebank rules):
 * whitespace split; opening brackets and double quotes (→ ``) split off; closing punctuation and
 * quotes (" → '') split off; English contractions split ("don't" → do n't); a period is split off
 * at the end of the text and before a capitalised word (a sentence end), but kept in initials and
 * abbreviations ("U.S.", "J.K."). Rarer Treebank rules are not reproduced; bench/nltk-compare.ts
 * measures the agreement with NLTK.
 */
export function wordTokenize(text: string): string[] {
  const raws = text.split(/\s+/).filter((w) => w !== '');
  const out: string[] = [];
  raws.forEach((raw, i) => {
    let w = raw;
    const lead = LEADING.exec(w);
    if (lead && lead[2] !== '') {
      out.push(...[...lead[1]!].map((c) => quote(c, true)));
      w = lead[2]!;
    }
    const tail: string[] = [];
    const trail = TRAILING.exec(w);
    if (trail && trail[1] !== '') {
      w = trail[1]!;
      tail.push(...[...trail[2]!].map((c) => quote(c, false)));
    }
    const next = raws[i + 1];
    const sentenceEnd = next === undefined || (/^[("'`]?[A-Z]/.test(next) && !INITIALS.test(w));
    if (w.length > 1 && w.endsWith('.') && !w.endsWith('..') && sentenceEnd) {
      w = w.slice(0, -1);
      tail.unshift('.');
    }
    const con = CONTRACTIONS.exec(w);
    if (con) out.push(con[1]!, con[2]!);
    else out.push(w);
    out.push(...tail);
  });
  return out;
}

/**
 * Words as the model cards of the default models count them (docs/default-models.md): runs of
 * letters, digits and apostrophes, and each other non-space character. Unlike NLTK it keeps
 * contractions whole ("can't"); the cards' fluency column uses it so that it stays comparable across
 * retrainings. Experiments use `wordTokenize`.
 */
export function simpleWordTokenize(text: string): string[] {
  return text.match(/[A-Za-z0-9']+|[^\sA-Za-z0-9']/g) ?? [];
}

/** Base-2 entropy of the n-gram frequency distribution of `tokens` (0 when there is no n-gram). */
export function ngramEntropy(tokens: readonly string[], n: number): number {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join('\u0000');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  const total = tokens.length - n + 1;
  if (total <= 0) return 0;
  let h = 0;
  for (const c of counts.values()) {
    const f = c / total;
    h -= f * Math.log2(f);
  }
  return h;
}

/** MEMIT `compute_n_gram_entropy(text)`: mean([2/3·H₂, 4/3·H₃]). Raw scale (≈5–6 for fluent text). */
export function textEntropy(text: string, tokenize: (text: string) => string[] = wordTokenize): number {
  const toks = tokenize(text);
  return ((2 / 3) * ngramEntropy(toks, 2) + (4 / 3) * ngramEntropy(toks, 3)) / 2;
}

/** MEMIT `n_gram_entropy(texts)`: arithmetic mean of textEntropy over texts (NaN for none). */
export function nGramEntropy(texts: readonly string[], tokenize: (text: string) => string[] = wordTokenize): number {
  return mean(texts.map((t) => textEntropy(t, tokenize)));
}

export interface FluencyOptions {
  /** Total length prompt + generation in tokens (MEMIT `generate_fast` max_out_len = 100). */
  readonly maxLength?: number;
  /** Top-k sampling (MEMIT: 5). */
  readonly topK?: number;
  readonly seed?: number;
  /** Score prompt + generation as MEMIT does (its generate_fast returns the prompt too). Default true. */
  readonly includePrompt?: boolean;
}

/**
 * Fluency of one record's generation prompts ×100 (the papers' ~600 scale): generate, then the
 * n-gram entropy averaged over the texts. Returns the texts too (ForGet Table 4 case studies).
 */
export async function fluency(
  scorer: Scorer,
  prompts: readonly string[],
  opts: FluencyOptions = {},
): Promise<{ readonly fluency: number; readonly texts: readonly string[] }> {
  const maxLength = opts.maxLength ?? 100;
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new MetricsError('METRIC_BAD_OPTIONS', `fluency: option maxLength must be a positive integer, got ${maxLength}`);
  }
  const gens = new Array<string>(prompts.length).fill('');
  // Group prompts by the number of new tokens that fills max_out_len.
  const groups = new Map<number, number[]>();
  prompts.forEach((p, i) => {
    const n = Math.max(1, maxLength - scorer.tokenize(p).length);
    groups.set(n, [...(groups.get(n) ?? []), i]);
  });
  for (const [n, idx] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
    const out = await scorer.generate(idx.map((i) => prompts[i]!), { maxNewTokens: n, topK: opts.topK ?? 5, seed: opts.seed ?? 0 });
    idx.forEach((i, j) => (gens[i] = out[j] ?? ''));
  }
  const texts = prompts.map((p, i) => ((opts.includePrompt ?? true) ? p + gens[i]! : gens[i]!));
  return { fluency: 100 * nGramEntropy(texts), texts };
}
