// The pretraining corpus of a world: for every fact its in-corpus statement templates, QA lines in
// the fixed QA format, and paraphrases with a random prefix sentence (CounterFact-style); the held-out
// templates of each fact are never used here. Plus refusal QA about absent entities.
import { WorldRng } from '../rng';
import { formatQA, qaPrompt } from '../qa';
import type { Fact, World } from './build';
import { PREFIX_SENTENCES, REFUSAL_POOL, RELATION_BY_ID, RELATIONS, GENERATION_TEMPLATES } from './schema';

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
  return rng.shuffle(docs);
}

/** Person questions for refusal QA (asked about absent people). */
const PERSON_QUESTIONS = RELATIONS.filter((r) => r.subjectType === 'person').flatMap((r) => r.questions);

export interface RefusalQA {
  /** About `w.absent` people, in the corpus (and in refusal/refusal_qa.json). */
  readonly train: { question: string; answer: string }[];
  /** About the last `refusalHeldOut` of `w.absent`: not in the corpus (tests generalisation). */
  readonly heldOut: { question: string; answer: string }[];
  /** About `w.absentExtra` people (`refusalExtraQuestions` distinct templates each): in the corpus only. */
  readonly extra: { question: string; answer: string }[];
}

/** Refusal QA about absent entities: `train` and `extra` are in the corpus, `heldOut` is not. */
export function refusalQA(w: World): RefusalQA {
  const rng = new WorldRng(w.seed, 'refusal');
  const all = w.absent.map((e) => ({ question: fill(rng.pick(PERSON_QUESTIONS), e.name), answer: rng.pick(REFUSAL_POOL) }));
  const cut = w.absent.length - w.options.refusalHeldOut;
  // Own stream, so the records above stay as they were before the extra people existed.
  const xr = new WorldRng(w.seed, 'refusal-extra');
  const k = Math.min(w.options.refusalExtraQuestions, PERSON_QUESTIONS.length);
  const extra = w.absentExtra.flatMap((e) => xr.sample(PERSON_QUESTIONS, k).map((q) => ({ question: fill(q, e.name), answer: xr.pick(REFUSAL_POOL) })));
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
