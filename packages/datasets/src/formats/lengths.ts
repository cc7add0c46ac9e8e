// The token sequences a record puts in front of a model, and the longest one per dataset: what sizes
// the context window of a model that must edit, unlearn or answer every record of a format
// (package README, "Record lengths"). Tokenizer-agnostic: the caller passes a token counter.
import { formatQA } from '../qa';
import type { CanonicalRecord } from '../types';

/** One sequence a record is scored or edited on: the prompt with its target appended. */
export interface RecordSequence {
  /** Which part of the record: "rewrite", "paraphrase", "neighborhood", …, "generation prompt", "qa". */
  readonly field: string;
  readonly text: string;
}

const LETTERS = ['A', 'B', 'C', 'D'] as const;
const spaced = (prompt: string, target: string): string => `${prompt} ${target.replace(/^\s+/, '')}`;

/**
 * Every sequence of a record, as the metrics score it: an edit's rewrite, paraphrase and probe prompts
 * each followed by " " + each answer (new and true target for the rewrite and paraphrases); its
 * generation prompts alone (fluency generates after them); a QA item in the one QA format with its
 * answer, its perturbed answers and its paraphrased question; a multiple-choice item as the metrics
 * package lays it out ("q\nA. …\nD. …\nAnswer: X", packages/metrics/src/adapters.ts).
 */
export function recordSequences(r: CanonicalRecord): RecordSequence[] {
  if (r.kind === 'edit') {
    const targets = [r.targetNew, ...(r.targetTrue !== undefined ? [r.targetTrue] : [])];
    return [
      ...targets.map((t) => ({ field: 'rewrite', text: spaced(r.prompt, t) })),
      ...r.paraphrasePrompts.flatMap((p) => targets.map((t) => ({ field: 'paraphrase', text: spaced(p, t) }))),
      ...[...r.neighborhood, ...r.attribute, ...r.locality, ...r.portability]
        .flatMap((p) => p.answers.map((a) => ({ field: p.family, text: spaced(p.prompt, a) }))),
      ...r.generationPrompts.map((p) => ({ field: 'generation prompt', text: p })),
    ];
  }
  if (r.kind === 'qa') {
    return [
      { field: 'qa', text: formatQA(r.question, r.answer) },
      ...r.perturbedAnswers.map((a) => ({ field: 'qa perturbed', text: formatQA(r.question, a) })),
      ...(r.paraphrasedQuestion !== undefined ? [{ field: 'qa paraphrased', text: formatQA(r.paraphrasedQuestion, r.answer) }] : []),
    ];
  }
  const prompt = `${r.question.trim()}\n${r.choices.map((c, i) => `${LETTERS[i]}. ${c}`).join('\n')}\nAnswer:`;
  return [{ field: 'multiple choice', text: `${prompt} ${LETTERS[r.answerIndex]}` }];
}

export interface LongestSequence {
  readonly tokens: number;
  readonly record: string;
  readonly field: string;
  readonly text: string;
}

export interface LengthReport {
  readonly records: number;
  /** The longest scored / edited sequence (prompt + target). */
  readonly longest: LongestSequence | undefined;
  /** The longest generation prompt (fluency then generates up to its length budget after it). */
  readonly longestGenerationPrompt: LongestSequence | undefined;
}

/** The longest sequences of some records under `count` (a tokenizer's token count of a text). */
export function longestSequences(records: readonly CanonicalRecord[], count: (text: string) => number): LengthReport {
  let longest: LongestSequence | undefined;
  let gen: LongestSequence | undefined;
  for (const r of records) {
    for (const s of recordSequences(r)) {
      const tokens = count(s.text);
      const cand = { tokens, record: r.id, field: s.field, text: s.text };
      if (s.field === 'generation prompt') {
        if (!gen || tokens > gen.tokens) gen = cand;
      } else if (!longest || tokens > longest.tokens) longest = cand;
    }
  }
  return { records: records.length, longest, longestGenerationPrompt: gen };
}
