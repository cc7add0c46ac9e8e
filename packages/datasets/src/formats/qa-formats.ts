// TOFU (Maini et al. 2024): question, answer, perturbed_answer[3] (wrong answers of the same kind);
// the world's files add `paraphrased_question` (TOFU's forget sets have it). `factual_data.json`
// (PISTOL repo) is the same QA as a JSON array without perturbed answers.
// PISTOL (Qiu, Shen et al. 2024): question, answer, edge (the contract / graph edge, e.g. "A_B").
import { CANONICAL_VERSION, type QAItem } from '../types';
import { mapRecords, type RecordChecker } from './validate';

export function parseTofu(raw: readonly unknown[], c: RecordChecker): QAItem[] {
  return mapRecords(raw, c, (r, i, ok): QAItem | undefined => {
    const question = c.string(i, r, 'question');
    const answer = c.string(i, r, 'answer');
    const perturbed = r.perturbed_answer === undefined ? [] : c.stringArray(i, r, 'perturbed_answer');
    const para = c.optionalString(i, r, 'paraphrased_question');
    if (!ok()) return undefined;
    return {
      kind: 'qa', source: 'tofu', version: CANONICAL_VERSION, id: String(i), question: question!, answer: answer!,
      perturbedAnswers: perturbed!, ...(para !== undefined ? { paraphrasedQuestion: para } : {}),
    };
  });
}

export function parsePistol(raw: readonly unknown[], c: RecordChecker): QAItem[] {
  return mapRecords(raw, c, (r, i, ok): QAItem | undefined => {
    const [question, answer, edge] = (['question', 'answer', 'edge'] as const).map((f) => c.string(i, r, f));
    if (!ok()) return undefined;
    return {
      kind: 'qa', source: 'pistol', version: CANONICAL_VERSION, id: String(i), question: question!, answer: answer!,
      perturbedAnswers: [], group: edge!,
    };
  });
}
