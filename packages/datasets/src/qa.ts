// The ONE question-answer format used everywhere: the pretraining corpus, the refusal QA, the TOFU /
// PISTOL finetuning text and the metrics that prompt a model with a question. The prompt ends at
// "Answer:"; the answer is scored as the continuation " " + answer (MEMIT's leading-space convention).

export const QA_FORMAT = {
  questionPrefix: 'Question: ',
  answerPrefix: '\nAnswer:',
} as const;

/** "Question: <q>\nAnswer:" — the prompt a model answers. */
export function qaPrompt(question: string): string {
  return `${QA_FORMAT.questionPrefix}${question}${QA_FORMAT.answerPrefix}`;
}

/** "Question: <q>\nAnswer: <a>" — a full QA document. */
export function formatQA(question: string, answer: string): string {
  return `${qaPrompt(question)} ${answer}`;
}

/** Inverse of formatQA; undefined when the text is not in the QA format. */
export function parseQA(text: string): { question: string; answer: string } | undefined {
  if (!text.startsWith(QA_FORMAT.questionPrefix)) return undefined;
  const i = text.indexOf(QA_FORMAT.answerPrefix);
  if (i < 0) return undefined;
  return { question: text.slice(QA_FORMAT.questionPrefix.length, i), answer: text.slice(i + QA_FORMAT.answerPrefix.length).trimStart() };
}
