// The pretraining corpus of a world: for every fact its in-corpus statement templates, QA lines in
// the fixed QA format, and paraphrases with a random prefix sentence (CounterFact-style); the held-out
// templates of each fact are never used here. Plus refusal QA about absent entities.
import { WorldRng } from '../rng';
import { formatQA, qaPrompt } from '../qa';
import type { Fact, World } from './build';
import { CHAINS, PREFIX_SENTENCES, REFUSAL_POOL, RELATION_BY_ID, RELATIONS, GENERATION_TEMPLATES } from './schema';
import { NAMED_REFUSAL_TEMPLATES, namedRefusal } from './refusal';

export const fill = (template: string, subject: string): string => template.replace('{}', subject);

/** A cloze probe: prompt ending before the object, and the object. */
export interface FactProbe {
  readonly fact: string;
  readonly prompt: string;
  readonly target: string;
}

function names(w: World, f: Fact): { s: string; o: string } {
  return { s: w.entity(f.subject).name, o: w.entity(f.object).name };
}

/** Statement template indices of a fact that are in the corpus. */
export function inCorpusStatements(f: Fact): number[] {
  return RELATION_BY_ID.get(f.relation)!.statements.map((_, i) => i).filter((i) => i !== f.heldOutStatement);
}

export function inCorpusQuestions(f: Fact): number[] {
  return RELATION_BY_ID.get(f.relation)!.questions.map((_, i) => i).filter((i) => i !== f.heldOutQuestion);
}

/** Question template indices a fact's QA lines in the corpus actually use (the first `qaPerFact` in-corpus ones). */
export function corpusQuestions(f: Fact, qaPerFact: number): number[] {
  const qs = inCorpusQuestions(f);
  return qs.slice(0, Math.max(1, Math.min(qaPerFact, qs.length)));
}

export function renderCorpus(w: World): string[] {
  const rng = new WorldRng(w.seed, 'corpus');
  const o = w.options;
  const docs: string[] = [];
  for (const f of w.facts) {
    const rel = RELATION_BY_ID.get(f.relation)!;
    const { s, o: obj } = names(w, f);
    const st = inCorpusStatements(f);
    for (let r = 0; r < o.statementRepeats; r++) for (const i of st) docs.push(`${fill(rel.statements[i]!, s)} ${obj}.`);
    const qs = inCorpusQuestions(f);
    for (let k = 0; k < o.qaPerFact; k++) docs.push(formatQA(fill(rel.questions[qs[k % qs.length]!]!, s), obj));
    for (let k = 0; k < o.paraphrasesPerFact; k++) {
      docs.push(`${rng.pick(PREFIX_SENTENCES)} ${fill(rel.statements[rng.pick(st)]!, s)} ${obj}.`);
    }
  }
  const refusals = refusalQA(w);
  for (const q of [...refusals.train, ...refusals.extra]) docs.push(formatQA(q.question, q.answer));
  if (w.version === 2) docs.push(...aliasDocs(w), ...twoHopDocs(w));
  return rng.shuffle(docs);
}

/**
 * Version 2: for every aliased entity, "X is also known as A.", "A is another name for X." and each of
 * its facts stated once with the alias (an in-corpus template), so a Subject_Aliasing query
 * (RippleEdits, Cohen et al. 2023 §2.2) asks for something the model knows before the edit.
 */
export function aliasDocs(w: World): string[] {
  const rng = new WorldRng(w.seed, 'alias-corpus');
  const docs: string[] = [];
  for (const [id, alias] of w.aliases) {
    const name = w.entity(id).name;
    docs.push(`${name} is also known as ${alias}.`, `${alias} is another name for ${name}.`);
    for (const f of w.facts.filter((g) => g.subject === id)) {
      const rel = RELATION_BY_ID.get(f.relation)!;
      docs.push(`${fill(rel.statements[rng.pick(inCorpusStatements(f))]!, alias)} ${w.entity(f.object).name}.`);
    }
  }
  return docs;
}

/**
 * Version 2: every two-hop fact along CHAINS stated once with the chain's prompt ("The country of the
 * city where X was born is Y."), so a two-hop query (RippleEdits Compositionality_I, KnowEdit Reasoning)
 * has a known answer before the edit and a different one after it.
 */
export function twoHopDocs(w: World): string[] {
  const bySubjRel = new Map(w.facts.map((f) => [`${f.subject}|${f.relation}`, f]));
  const docs: string[] = [];
  for (const f of w.facts) {
    for (const c of CHAINS) {
      if (c.first !== f.relation) continue;
      const second = bySubjRel.get(`${f.object}|${c.second}`);
      if (second) docs.push(`${fill(c.prompt, w.entity(f.subject).name)} ${w.entity(second.object).name}.`);
    }
  }
  return docs;
}

/** Person questions for refusal QA (asked about absent people), with the relation each asks about. */
const PERSON_QUESTIONS = RELATIONS.filter((r) => r.subjectType === 'person').flatMap((r) => r.questions);
const PERSON_QUESTION_RELATIONS = RELATIONS.filter((r) => r.subjectType === 'person').flatMap((r) => r.questions.map(() => r.id));

/** A refusal QA item; `named` (version 2 only) tells a refusal naming its subject from a generic one. */
export interface RefusalItem {
  readonly question: string;
  readonly answer: string;
  readonly named?: boolean;
}

export interface RefusalQA {
  /** About `w.absent` people, in the corpus (and in refusal/refusal_qa.json). */
  readonly train: RefusalItem[];
  /** About the last `refusalHeldOut` of `w.absent`: not in the corpus (tests generalisation). */
  readonly heldOut: RefusalItem[];
  /** About `w.absentExtra` people (`refusalExtraQuestions` distinct templates each): in the corpus only. */
  readonly extra: RefusalItem[];
}

/**
 * Refusal QA about absent entities: `train` and `extra` are in the corpus, `heldOut` is not. In
 * version 2 half of the answers (own stream 'refusal-named') name the subject and what was asked
 * (refusal.ts); the other half are the generic ones version 1 has.
 */
export function refusalQA(w: World): RefusalQA {
  const rng = new WorldRng(w.seed, 'refusal');
  const nr = w.version === 2 ? new WorldRng(w.seed, 'refusal-named') : undefined;
  const item = (qi: number, name: string, generic: string): RefusalItem => {
    const question = fill(PERSON_QUESTIONS[qi]!, name);
    if (!nr) return { question, answer: generic };
    const named = nr.next() < 0.5;
    return { question, answer: named ? namedRefusal(nr.pick(NAMED_REFUSAL_TEMPLATES), name, PERSON_QUESTION_RELATIONS[qi]!) : generic, named };
  };
  const idx = PERSON_QUESTIONS.map((_, i) => i);
  const all = w.absent.map((e) => {
    const qi = rng.pick(idx);
    return item(qi, e.name, rng.pick(REFUSAL_POOL));
  });
  const cut = w.absent.length - w.options.refusalHeldOut;
  // Own stream, so the records above stay as they were before the extra people existed.
  const xr = new WorldRng(w.seed, 'refusal-extra');
  const k = Math.min(w.options.refusalExtraQuestions, PERSON_QUESTIONS.length);
  const extra = w.absentExtra.flatMap((e) => xr.sample(idx, k).map((qi) => item(qi, e.name, xr.pick(REFUSAL_POOL))));
  return { train: all.slice(0, cut), heldOut: all.slice(cut), extra };
}

/** Cloze probes of every fact: templates in the corpus (`train`) and the held-out one (`heldOut`). */
export function factProbes(w: World): { train: FactProbe[]; heldOut: FactProbe[] } {
  const train: FactProbe[] = [];
  const heldOut: FactProbe[] = [];
  for (const f of w.facts) {
    const rel = RELATION_BY_ID.get(f.relation)!;
    const { s, o } = names(w, f);
    for (const i of inCorpusStatements(f)) train.push({ fact: f.id, prompt: fill(rel.statements[i]!, s), target: o });
    heldOut.push({ fact: f.id, prompt: fill(rel.statements[f.heldOutStatement]!, s), target: o });
  }
  return { train, heldOut };
}

/** QA probes (prompt in the QA format) with the held-out question template of each fact. */
export function heldOutQAProbes(w: World): FactProbe[] {
  return w.facts.map((f) => {
    const rel = RELATION_BY_ID.get(f.relation)!;
    const { s, o } = names(w, f);
    return { fact: f.id, prompt: qaPrompt(fill(rel.questions[f.heldOutQuestion]!, s)), target: o };
  });
}

/** Open-ended prompts about world subjects for fluency / generation checks. */
export function generationPrompts(w: World, n = 20): string[] {
  const rng = new WorldRng(w.seed, 'generation');
  const subj = w.entities.filter((e) => GENERATION_TEMPLATES[e.type]);
  return Array.from({ length: Math.min(n, subj.length) }, () => {
    const e = rng.pick(subj);
    return fill(rng.pick(GENERATION_TEMPLATES[e.type]!), e.name);
  });
}
