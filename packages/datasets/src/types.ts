// Canonical records every loader maps its format to, so metrics and the runner see one shape whatever
// the file. Each record names the format it came from and the canonical-record version.

/** Version of the canonical record shapes below; bump on any breaking change. */
export const CANONICAL_VERSION = 1;

export type FormatName =
  | 'counterfact-rome'
  | 'counterfact-easyedit'
  | 'zsre-mend'
  | 'rippleedits'
  | 'knowedit'
  | 'tofu'
  | 'pistol'
  | 'mmlu-csv';

/** A prompt and the answers that count as correct (first one is the canonical string). */
export interface Probe {
  readonly prompt: string;
  readonly answers: readonly string[];
  /** e.g. "neighborhood", "attribute", "locality", "portability", "Compositionality_I", "two_hop". */
  readonly family: string;
}

/** A knowledge edit: make the model answer `targetNew` to `prompt` (subject filled in). */
export interface EditRecord {
  readonly kind: 'edit';
  readonly source: FormatName;
  readonly version: number;
  readonly id: string;
  /** Prompt with the subject filled in, ending where the target starts. */
  readonly prompt: string;
  /** The prompt with "{}" in place of the subject, when the format has it (CounterFact ROME). */
  readonly promptTemplate?: string;
  readonly subject: string;
  /** The new target to write in (CounterFact target_new.str; ZsRE `alt`; RippleEdits edit target). */
  readonly targetNew: string;
  /** The true / old answer (CounterFact target_true.str; ZsRE answers[0]); absent when unknown. */
  readonly targetTrue?: string;
  readonly relationId?: string;
  readonly paraphrasePrompts: readonly string[];
  /** Other subjects, same relation, whose answer must stay the true one. */
  readonly neighborhood: readonly Probe[];
  /** Subjects that truly have targetNew for the relation (CounterFact attribute prompts). */
  readonly attribute: readonly Probe[];
  readonly generationPrompts: readonly string[];
  /** Unrelated QA that must not change (ZsRE loc/loc_ans). */
  readonly locality: readonly Probe[];
  /** Consequences of the edit (ZsRE portability, RippleEdits test families). */
  readonly portability: readonly Probe[];
}

/** A question-answer item (TOFU / PISTOL / refusal QA): forget or retain sets. */
export interface QAItem {
  readonly kind: 'qa';
  readonly source: FormatName;
  readonly version: number;
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  /** Wrong answers of the same type (TOFU perturbed_answer); empty when the format has none. */
  readonly perturbedAnswers: readonly string[];
  readonly paraphrasedQuestion?: string;
  /** The group the item belongs to (PISTOL edge, e.g. "A_B"). */
  readonly group?: string;
}

/** A 4-way multiple-choice item (MMLU). */
export interface MultipleChoiceItem {
  readonly kind: 'mc';
  readonly source: FormatName;
  readonly version: number;
  readonly id: string;
  readonly question: string;
  readonly choices: readonly [string, string, string, string];
  /** 0-based index of the correct choice. */
  readonly answerIndex: number;
  readonly subject: string;
}

export type CanonicalRecord = EditRecord | QAItem | MultipleChoiceItem;
