// Two-hop and alias tests of world version 2, in the RippleEdits record layout (Cohen et al. 2023, §2.2:
// Compositionality I/II, Subject Aliasing) and the KnowEdit layout ForGet Table 6 runs on (Zhang et al.
// 2024, "A Comprehensive Study of Knowledge Editing for LLMs": WikiData_counterfact / WikiData_recent
// records with portability {Reasoning, Subject_Aliasing, Logical_Generalization} and locality
// {Relation_Specificity}). Version 1 worlds have no aliases, so these add nothing to their records.
import { WorldRng } from '../rng';
import { CHAINS, PREFIX_SENTENCES, RELATION_BY_ID } from './schema';
import { fill, inCorpusStatements } from './corpus';
import type { Fact, World } from './build';

/** RippleEdits relation label ("place of birth" → "PLACE_OF_BIRTH"). */
export const relName = (id: string): string => RELATION_BY_ID.get(id)!.name.toUpperCase().replace(/ /g, '_');

/** The alias of an entity, as a RippleEdits answer's `aliases` list (empty when it has none). */
export const aliasesOf = (w: World, id: string): string[] => {
  const a = w.aliases.get(id);
  return a === undefined ? [] : [a];
};

/** A RippleEdits query; the answer's aliases are the target's alias in version 2. */
export const query = (
  w: World, prompt: string, answer: string, type: string, subjectId: string, relation: string, targetId: string, extra: object = {},
): object => ({
  prompt, answers: [{ value: answer, aliases: aliasesOf(w, targetId) }], query_type: type, subject_id: subjectId, relation, target_ids: [targetId], phrase: null, ...extra,
});

/**
 * Descriptions of an entity through a fact pointing at it (Compositionality II: "the author of The
 * Gaiki Letters was born in" asks the edited person's birthplace without naming them).
 */
export const VIA: Readonly<Record<string, string>> = {
  P50: 'the author of {}', P176: 'the manufacturer of {}', P36: 'the capital of {}',
};

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Compositionality II tests of an edit of `f` to `newObject`: the subject described through a fact pointing at it. */
export function compositionalityII(w: World, f: Fact, tpl: string, newObject: string): object[] {
  return w.facts.filter((g) => g.object === f.subject && VIA[g.relation] !== undefined).map((g) => {
    const described = fill(VIA[g.relation]!, w.entity(g.subject).name);
    const prompt = capitalise(fill(tpl, described));
    const condRel = RELATION_BY_ID.get(g.relation)!;
    return {
      test_queries: [query(w, prompt, w.entity(newObject).name, 'regular', f.subject, relName(f.relation), newObject)],
      test_condition: 'AND',
      condition_queries: [query(w, fill(condRel.statements[0]!, w.entity(g.subject).name), w.entity(f.subject).name, 'regular', g.subject, relName(g.relation), f.subject)],
    };
  });
}

/** Subject Aliasing tests: the edited statement with the subject's alias must give the new object. */
export function subjectAliasing(w: World, f: Pick<Fact, 'subject' | 'relation'>, tpl: string, newObject: string): object[] {
  const alias = w.aliases.get(f.subject);
  if (alias === undefined) return [];
  const q = query(w, fill(tpl, alias), w.entity(newObject).name, 'regular', f.subject, relName(f.relation), newObject, { phrase: fill(tpl, alias) });
  return [{ test_queries: [q], test_condition: 'OR', condition_queries: [q] }];
}

/** KnowEdit ground truth: a list of alternatives, each a list of surface forms (the name and its alias). */
const truth = (w: World, id: string): string[][] => [[w.entity(id).name, ...aliasesOf(w, id)]];

/**
 * KnowEdit-style records of a version 2 world: `counterfact` (WikiData_counterfact: an existing fact
 * rewritten; ground_truth is the old object) or `recent` (WikiData_recent: a fact the world lacks is
 * inserted; no ground_truth). Portability: Reasoning (the chain's two-hop question, answered from the
 * new object), Subject_Aliasing (the alias); locality: Relation_Specificity (the subject's other facts).
 */
export function renderKnowEdit(w: World, set: 'counterfact' | 'recent'): object[] {
  const k = w.benchmark.knowedit;
  if (!k) return [];
  const rng = new WorldRng(w.seed, `knowedit:${set}`);
  const edits = set === 'counterfact'
    ? k.counterfact.map((e) => ({ ...w.fact(e.fact), old: w.fact(e.fact).object as string | undefined, newObject: e.newObject, chain: e.chain, newSecond: e.newSecond }))
    : k.recent.map((e) => ({ id: undefined, subject: e.subject, relation: e.relation, old: undefined, newObject: e.newObject, chain: e.chain, newSecond: e.newSecond }));
  return edits.map((e) => {
    const rel = RELATION_BY_ID.get(e.relation)!;
    const s = w.entity(e.subject).name;
    // An inserted fact has no held-out template of its own: any two distinct templates serve.
    const order = e.id !== undefined ? inCorpusStatements(w.fact(e.id)) : rng.shuffle(rel.statements.map((_, i) => i));
    const tpl = rel.statements[rng.pick(order)]!;
    const rephrase = e.id !== undefined ? rel.statements[w.fact(e.id).heldOutStatement]! : rel.statements[order.find((i) => rel.statements[i] !== tpl)!]!;
    const alias = w.aliases.get(e.subject);
    const ns = w.fact(e.newSecond);
    const others = w.facts.filter((g) => g.subject === e.subject && g.relation !== e.relation);
    return {
      subject: s,
      prompt: fill(tpl, s),
      target_new: w.entity(e.newObject).name,
      ...(e.old !== undefined ? { ground_truth: w.entity(e.old).name } : {}),
      rephrase: `${rng.pick(PREFIX_SENTENCES)} ${fill(rephrase, s)}`,
      portability: {
        Logical_Generalization: [],
        Reasoning: [{ prompt: fill(CHAINS[e.chain]!.prompt, s), ground_truth: truth(w, ns.object) }],
        Subject_Aliasing: alias === undefined ? [] : [{ prompt: fill(tpl, alias), ground_truth: truth(w, e.newObject) }],
      },
      locality: {
        Relation_Specificity: others.map((g) => ({
          prompt: fill(RELATION_BY_ID.get(g.relation)!.statements[rng.pick(inCorpusStatements(g))]!, s), ground_truth: truth(w, g.object),
        })),
      },
    };
  });
}
