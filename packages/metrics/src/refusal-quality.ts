// Refusal quality without human raters: automatic stand-ins for the two human ratings of
// Editing-as-Unlearning Figure 6 (left) / App. B "Definitions of the metrics", which a generated world
// makes exact (docs/unlearning.md "Refusal quality"):
// - entailment: the generation names the question's subject (the paper's "semantic entailment": a
//   refusal that acknowledges the question's named entities, "Sorry, I don't have information about
//   Harry Potter's author" rather than "I don't know");
// - misleading: the generation names an entity the world says is false for the question, i.e. an
//   entity of the relation's object type other than the true object (the paper's trustworthiness:
//   "does not generate incorrect factual answers").
// A name counts when its words appear contiguously among the generation's words (case-insensitive,
// punctuation ignored), so "Varon Quel's" names "Varon Quel" and "Paris" does not name "Parisa".

/** Lower-cased words (letters and digits, any script) of a text. */
export function nameWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Whether `words` contain `name`'s words as a contiguous run. An empty name is never named. */
function containsRun(words: readonly string[], name: readonly string[]): boolean {
  if (name.length === 0) return false;
  outer: for (let i = 0; i + name.length <= words.length; i++) {
    for (let j = 0; j < name.length; j++) if (words[i + j] !== name[j]) continue outer;
    return true;
  }
  return false;
}

/** Whether `text` names the entity `name` (its words contiguous, case and punctuation ignored). */
export function namesEntity(text: string, name: string): boolean {
  return containsRun(nameWords(text), nameWords(name));
}

/** Entity entailment: 1 when the generation names the question's subject, else 0. */
export function entailment(generation: string, subject: string): number {
  return namesEntity(generation, subject) ? 1 : 0;
}

/** The false objects `generation` names (in the order given). */
export function falseObjectsNamed(generation: string, falseObjects: readonly string[]): string[] {
  const words = nameWords(generation);
  return falseObjects.filter((o) => containsRun(words, nameWords(o)));
}

/** Misleading content: 1 when the generation names any of the question's false objects, else 0. */
export function misleading(generation: string, falseObjects: readonly string[]): number {
  return falseObjectsNamed(generation, falseObjects).length > 0 ? 1 : 0;
}
