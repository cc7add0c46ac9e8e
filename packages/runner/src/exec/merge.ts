// Query merging (Editing-as-Unlearning §3.2, Figure 2B): under unlearning every forget question maps to
// a refusal, so n questions can share one edit: their questions concatenated into one prompt, with one
// refusal as the target. The paper gives no format; the one used here (docs/unlearning.md "Query
// merging"): questions in the QA format ("Question: <q>\nAnswer:") keep one "Question: " prefix and one
// "\nAnswer:" suffix around their questions joined by a space,
//   "Question: Where was Ada Brun born? What is Varonia's capital?\nAnswer:"
// and any other questions are joined by a space as they are. The merged request takes
//   - refusal (and refusal pool): the first request's (each record's refusal is fixed by its id);
//   - subject: the last request's (its `subject`, else engine subjectOf), so merging one query is the
//     unmerged request: the entity nearest the answer, where ROME/MEMIT read their key;
//   - answer: the answers joined by a space (what an unlearning loss would push down);
//   - rephrasings: the first rephrasings merged the same way, when every request has one.
// Each record is still evaluated on its own question (exec/cell.ts).
import { QA_FORMAT, qaPrompt } from '@editlab/datasets';
import { subjectOf } from '@editlab/engine';
import type { ContextWindow, ForgetRequest, Request } from '../registries';
import { RunnerError } from '../errors';

/** The question inside the QA format, or undefined when `q` is not in it. */
function inner(q: string): string | undefined {
  const { questionPrefix, answerPrefix } = QA_FORMAT;
  return q.startsWith(questionPrefix) && q.endsWith(answerPrefix) ? q.slice(questionPrefix.length, q.length - answerPrefix.length) : undefined;
}

/** Questions concatenated into one prompt (the QA format kept once when every question has it). */
export function mergeQuestions(questions: readonly string[]): string {
  const bodies = questions.map(inner);
  if (bodies.every((b): b is string => b !== undefined)) return qaPrompt(bodies.join(' '));
  return questions.map((q) => q.trim()).join(' ');
}

/** n forget requests as one (see the file comment); one request is returned as it is. */
export function mergeRequests(requests: readonly Request[]): Request {
  if (requests.length === 1) return requests[0]!;
  const forget = requests.map((r) => {
    if (r.kind !== 'forget') throw new RunnerError('DATA', `protocol merge: query merging takes forget requests (an unlearning dataset), got a ${r.kind} request`);
    return r;
  });
  const first = forget[0]!;
  const last = forget[forget.length - 1]!;
  const rephrased = forget.every((r) => (r.rephrasings?.length ?? 0) > 0) ? [mergeQuestions(forget.map((r) => r.rephrasings![0]!))] : [];
  const merged: ForgetRequest = {
    kind: 'forget',
    question: mergeQuestions(forget.map((r) => r.question)),
    answer: ` ${forget.map((r) => r.answer.trim()).join(' ')}`,
    // subjectOf on the merged question would pick the longest capitalised span of any question: name the last one's.
    subject: last.subject ?? subjectOf(last.question),
    ...(rephrased.length ? { rephrasings: rephrased } : {}),
    ...(first.refusal !== undefined ? { refusal: first.refusal } : {}),
    ...(first.refusals !== undefined ? { refusals: first.refusals } : {}),
  };
  return merged;
}

/**
 * A merged request that does not fit the model's window is an error naming the records: merging more
 * queries than the window holds is a spec choice, not a record to skip (docs/unlearning.md "Query merging").
 */
export function checkMergedFits(request: Request, ids: readonly string[], window: ContextWindow | undefined, tokenize: (t: string) => number[]): void {
  if (!window || request.kind !== 'forget' || ids.length < 2) return;
  const bos = window.bos ? 1 : 0;
  const prompts = [request.question, ...(request.rephrasings ?? [])];
  const targets = [request.answer, ...(request.refusal !== undefined ? [request.refusal] : [])];
  let longest = 0;
  for (const p of prompts) for (const t of targets) longest = Math.max(longest, bos + tokenize(p).length + tokenize(t).length);
  if (longest > window.tokens) {
    throw new RunnerError(
      'DATA',
      `protocol merge: the ${ids.length} merged queries of records ${ids[0]}…${ids[ids.length - 1]} are ${longest} tokens with their target, over the model's ${window.tokens}-token window; merge fewer queries (or use a model with a longer window)`,
    );
  }
}
