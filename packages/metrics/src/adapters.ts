// Canonical records of @editlab/datasets → the metrics' input shapes. The field choices follow the
// reference protocols (docs/definitions.md §1.1, §1.2, §1.4) and are recorded in the returned values.
import { qaPrompt, type EditRecord, type MultipleChoiceItem, type QAItem } from '@editlab/datasets';
import { badInput } from './errors';
import type { CounterFactCase } from './counterfact';
import type { ChoiceItem } from './mcq';
import type { UnlearningItem } from './unlearning';
import type { ZsreCase } from './zsre';

/** MEMIT/AlphaEdit CounterFact wiring: rewrite = prompt, paraphrases, neighborhood prompts vs target_true. */
export function counterfactCase(r: EditRecord, index: number): CounterFactCase {
  if (r.targetTrue === undefined) badInput('counterfact', index, 'target_true', `record "${r.id}" has no true target`);
  return {
    rewritePrompts: [r.prompt],
    paraphrasePrompts: r.paraphrasePrompts,
    neighborhoodPrompts: r.neighborhood.map((p) => p.prompt),
    targetNew: r.targetNew,
    targetTrue: r.targetTrue,
    generationPrompts: r.generationPrompts,
  };
}

/**
 * ZsRE wiring. `target` picks the field scored as the new target: "targetNew" (ZsRE `alt`, as
 * EasyEdit edits) or "targetTrue" (`answers[0]`, as MEMIT's `dsets/zsre.py` does). Generalization
 * uses the first rephrase, locality the first locality probe and its gold answer.
 */
export function zsreCase(r: EditRecord, index: number, target: 'targetNew' | 'targetTrue' = 'targetNew'): ZsreCase {
  const t = r[target];
  if (t === undefined) badInput('zsre', index, target, `record "${r.id}" has no ${target}`);
  const rephrase = r.paraphrasePrompts[0];
  if (rephrase === undefined) badInput('zsre', index, 'rephrase', `record "${r.id}" has no rephrase`);
  const loc = r.locality[0];
  if (loc === undefined || loc.answers[0] === undefined) badInput('zsre', index, 'loc', `record "${r.id}" has no locality probe with an answer`);
  return { src: r.prompt, rephrase, target: t, loc: loc.prompt, locAns: loc.answers[0] };
}

/**
 * TOFU/PISTOL item in the project's one QA format (`qaPrompt`: "Question: q\nAnswer:"), answer scored
 * as " " + answer. `rephrased` uses the paraphrased question (the rephrase attack).
 */
export function unlearningItem(q: QAItem, index: number, opts: { readonly rephrased?: boolean; readonly format?: (question: string) => string } = {}): UnlearningItem {
  const question = opts.rephrased ? q.paraphrasedQuestion : q.question;
  if (question === undefined) badInput('unlearning', index, 'paraphrased_question', `item "${q.id}" has no rephrased question`);
  return { prompt: (opts.format ?? qaPrompt)(question), answer: q.answer, perturbed: q.perturbedAnswers };
}

const LETTERS = ['A', 'B', 'C', 'D'] as const;

/** How a multiple-choice item is asked: MMLU's lettered prompt, or the choices as continuations. */
export type ChoiceFormat = 'letters' | 'continuation';

/**
 * `letters` (default): the MMLU prompt as in the original MMLU evaluation / lm-evaluation-harness
 * `mmlu`: question, the four choices as "A. …" lines, then "Answer:"; the scored continuations are the
 * letters " A" … " D". `continuation`: lm-evaluation-harness `mmlu_continuation`, the question in the
 * project's QA format (`qaPrompt`: "Question: q\nAnswer:") and each choice's text as the continuation,
 * for models that never saw lettered choices (the tiny default models).
 */
export function choiceItem(m: MultipleChoiceItem, format: ChoiceFormat = 'letters'): ChoiceItem {
  if (format === 'continuation') return { prompt: qaPrompt(m.question.trim()), choices: m.choices.map((c) => ` ${c.trim()}`), answer: m.answerIndex };
  const lines = m.choices.map((c, i) => `${LETTERS[i]}. ${c}`);
  return { prompt: `${m.question.trim()}\n${lines.join('\n')}\nAnswer:`, choices: LETTERS.map((l) => ` ${l}`), answer: m.answerIndex };
}
