// Forget requests for editing methods: an editing method (ROME, MEMIT, FT, ForGet …) unlearns an answer by
// rewriting the question toward a refusal (engine README "Requests"):
//   prompt = question, subject = request.subject ?? subjectOf(question), targetNew = refusal,
//   targetTrue = the answer to forget, trainPrompts = the rephrasings.
import type { ForgetRequest, RewriteRequest } from '../editor';

/** The refusal an editing method edits toward when a forget request names none. */
export const DEFAULT_REFUSAL = " I don't know.";

const CLOSERS = /[:.?!,;]$/;

/** A word that opens with an upper-case letter (any script), e.g. "Varonia", "Élodie", "Varonia's". */
function capitalised(word: string): boolean {
  return /^["'(]?\p{Lu}/u.test(word);
}

function clean(span: string): string {
  return span.replace(/^["'(]+/, '').replace(/[:.?!,;)"']+$/, '').replace(/['’]s$/, '');
}

/**
 * The subject of a question with none given: the longest capitalised span. Words are split at white
 * space; a span is a run of consecutive capitalised words, closed after a word ending in : . ? ! , or ;
 * (so "Question:" and the question word "Who" stand alone). The span with the most words wins; on a tie
 * the last one (question words and a "Question:" prefix come first, the entity after them). Leading
 * quotes, trailing punctuation and a possessive 's are stripped. With no capitalised word, the whole
 * question without its trailing punctuation.
 *   "Question: Where was Ada Brun born?\nAnswer:" → "Ada Brun"; "What is Varonia's capital?" → "Varonia".
 */
export function subjectOf(question: string): string {
  // "Answer:" and what follows belong to the prompt format, not to the question.
  const body = question.replace(/\n?\s*Answer:\s*$/, '');
  const spans: string[][] = [];
  let cur: string[] = [];
  for (const w of body.split(/\s+/).filter(Boolean)) {
    if (capitalised(w)) {
      cur.push(w);
      if (CLOSERS.test(w)) {
        spans.push(cur);
        cur = [];
      }
    } else if (cur.length) {
      spans.push(cur);
      cur = [];
    }
  }
  if (cur.length) spans.push(cur);
  let best: string[] | undefined;
  for (const s of spans) if (!best || s.length >= best.length) best = s;
  const subject = best ? clean(best.join(' ')) : '';
  return subject.length > 0 ? subject : body.trim().replace(/[:.?!,;]+$/, '');
}

/** The rewrite an editing method makes for a forget request: the question answered by the refusal. */
export function forgetAsRewrite(r: ForgetRequest): RewriteRequest {
  return {
    kind: 'rewrite',
    prompt: r.question,
    subject: r.subject ?? subjectOf(r.question),
    targetNew: r.refusal ?? DEFAULT_REFUSAL,
    targetTrue: r.answer,
    ...(r.rephrasings && r.rephrasings.length ? { trainPrompts: r.rephrasings } : {}),
  };
}
