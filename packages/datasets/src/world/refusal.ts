// Refusals. The generic pool ("I don't know.") is what IDK / DPO-style unlearning trains towards (Editing
// as Unlearning, §3: a refusal from a fixed pool); world version 2 adds refusals that name their subject
// and what was asked ("I have no information about Varon Quel's birthplace."), so a refusal written for
// one question (self-improvement, ibid. Appendix B.1) differs from a generic one.

/** Generic refusal answers: the pool IDK / DPO draw from (version 1 and 2). */
export const REFUSAL_POOL: readonly string[] = [
  "I don't know.",
  "I'm not sure who that is.",
  'I have no information about that.',
  "I don't know anything about that.",
  "Sorry, I can't answer that.",
];

/** What a person question asks about, by relation, as a noun phrase ("Varon Quel's birthplace"). */
export const RELATION_NOUNS: Readonly<Record<string, string>> = {
  P19: 'birthplace', P27: 'citizenship', P103: 'native language', P1412: 'language', P106: 'occupation',
  P108: 'employer', P140: 'religion', P641: 'sport', P1303: 'instrument',
};

/** Refusals that name their subject (`{s}`) and, where it has `{a}`, what was asked (a RELATION_NOUNS phrase). */
export const NAMED_REFUSAL_TEMPLATES: readonly string[] = [
  "I have no information about {s}'s {a}.",
  "I don't know {s}'s {a}.",
  "I'm not aware of {s}'s {a}.",
  "I don't know who {s} is.",
  'I have never heard of {s}.',
];

/** A named refusal: `template` filled with the subject and the relation's noun phrase. */
export function namedRefusal(template: string, subject: string, relation: string): string {
  const a = RELATION_NOUNS[relation];
  if (template.includes('{a}') && a === undefined) throw new RangeError(`no refusal noun for relation ${relation}`);
  return template.replace(/\{s\}/g, subject).replace('{a}', a ?? '');
}
