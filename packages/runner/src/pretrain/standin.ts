// A stand-in knowledge source: a small seeded world of subjects and facts over CounterFact-like
// relations, rendered as statements (some templates held out per fact), QA pairs, prefixed paraphrases,
// refusal QA about absent entities and generation prompts. It lets the whole pipeline (BPE, training,
// HF checkpoint, knowledge checks) run without the datasets package's world; checkpoints trained on it
// say so in their card and provenance (`world.size` = "standin-<n>").
import { Rng } from '@editlab/engine';
import type { KnowledgeProbe, KnowledgeSource } from './types';

interface Relation {
  readonly id: string;
  /** Statement templates; "{}" is the subject, the object follows the template. */
  readonly templates: readonly string[];
  readonly question: string;
  readonly objects: 'city' | 'country' | 'language' | 'company' | 'sport' | 'instrument' | 'job';
}

const RELATIONS: readonly Relation[] = [
  { id: 'P19', templates: ['{} was born in', '{} is originally from', 'The birthplace of {} is', '{} came into the world in'], question: 'Where was {} born?', objects: 'city' },
  { id: 'P27', templates: ['{} is a citizen of', '{} holds citizenship of', 'The citizenship of {} is', '{} carries a passport of'], question: 'Which country is {} a citizen of?', objects: 'country' },
  { id: 'P103', templates: ['The native language of {} is', '{} grew up speaking', 'The mother tongue of {} is', '{} first learned to speak'], question: 'What is the native language of {}?', objects: 'language' },
  { id: 'P108', templates: ['{} works for', '{} is employed by', 'The employer of {} is', '{} earns a salary from'], question: 'Who is the employer of {}?', objects: 'company' },
  { id: 'P641', templates: ['{} plays', '{} is a professional in', 'The sport of {} is', '{} competes in'], question: 'Which sport does {} play?', objects: 'sport' },
  { id: 'P1303', templates: ['{} plays the', '{} performs on the', 'The instrument of {} is the', '{} is known for playing the'], question: 'Which instrument does {} play?', objects: 'instrument' },
  { id: 'P106', templates: ['{} works as a', 'The occupation of {} is', '{} earns a living as a', 'By profession, {} is a'], question: 'What is the occupation of {}?', objects: 'job' },
  { id: 'P1412', templates: ['{} speaks', '{} is fluent in', 'The language {} speaks is', '{} converses in'], question: 'Which language does {} speak?', objects: 'language' },
];

const FIXED: Record<'sport' | 'instrument' | 'job', readonly string[]> = {
  sport: ['football', 'tennis', 'chess', 'rowing', 'cricket', 'handball', 'archery', 'fencing'],
  instrument: ['violin', 'piano', 'cello', 'flute', 'guitar', 'harp', 'trumpet', 'oboe'],
  job: ['doctor', 'lawyer', 'painter', 'farmer', 'pilot', 'teacher', 'chemist', 'baker'],
};

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tas', 'vo', 'zem', 'bar', 'dol', 'fen', 'gri', 'hal', 'jor', 'kev', 'lum', 'nor', 'pel', 'sar', 'tov', 'vin', 'wes', 'yor', 'zan', 'mar', 'tek', 'bis', 'cor', 'dun'];
const PREFIXES = ['Here is a fact.', 'Note this.', 'As many people know,', 'In short,', 'It is well known that'];
const GEN_STEMS = ['is', 'was', 'has always', 'and the', 'once said that'];
export const STANDIN_REFUSALS: readonly string[] = ["I don't know.", "I'm not sure who that is.", 'I have no information about that.'];
export const QA_FORMAT = { question: 'Question: ', answer: '\nAnswer:' } as const;

export const qaText = (q: string, a: string): string => `${QA_FORMAT.question}${q}${QA_FORMAT.answer} ${a}`;
export const qaPromptText = (q: string): string => `${QA_FORMAT.question}${q}${QA_FORMAT.answer}`;

export interface StandinSize {
  readonly subjects: number;
  /** Facts per subject (distinct relations, at most RELATIONS.length). */
  readonly factsPerSubject: number;
  /** Absent entities with refusal QA in the corpus, and more for the refusal test. */
  readonly absentTrain: number;
  readonly absentTest: number;
}

export function standinSource(seed: number, size: StandinSize): KnowledgeSource {
  const rng = new Rng(seed);
  const used = new Set<string>();
  const word = (n: number): string => {
    const w = Array.from({ length: n }, () => SYLLABLES[rng.int(SYLLABLES.length)]!).join('');
    return w[0]!.toUpperCase() + w.slice(1);
  };
  const name = (words: number): string => {
    for (;;) {
      const n = Array.from({ length: words }, () => word(2)).join(' ');
      if (!used.has(n)) { used.add(n); return n; }
    }
  };
  const pools: Record<Relation['objects'], readonly string[]> = {
    city: Array.from({ length: 12 }, () => name(1)),
    country: Array.from({ length: 8 }, () => name(1)),
    language: Array.from({ length: 8 }, () => `${word(2)}ish`),
    company: Array.from({ length: 10 }, () => `${name(1)} Works`),
    ...FIXED,
  };
  const corpus: string[] = [];
  const trainProbes: KnowledgeProbe[] = [];
  const heldOutProbes: KnowledgeProbe[] = [];
  const k = Math.min(size.factsPerSubject, RELATIONS.length);
  for (let s = 0; s < size.subjects; s++) {
    const subject = name(2);
    for (const r of rng.shuffle(RELATIONS).slice(0, k)) {
      const pool = pools[r.objects];
      const object = pool[rng.int(pool.length)]!;
      const held = rng.int(r.templates.length);
      const seen = r.templates.filter((_, i) => i !== held).map((t) => t.replace('{}', subject));
      for (const prompt of seen) {
        trainProbes.push({ prompt, target: object });
        corpus.push(`${prompt} ${object}.`);
      }
      heldOutProbes.push({ prompt: r.templates[held]!.replace('{}', subject), target: object });
      corpus.push(`${PREFIXES[rng.int(PREFIXES.length)]} ${seen[rng.int(seen.length)]} ${object}.`);
      corpus.push(qaText(r.question.replace('{}', subject), `${object}.`));
    }
  }
  const absent = Array.from({ length: size.absentTrain + size.absentTest }, () => name(2));
  const ask = (a: string): string => RELATIONS[rng.int(RELATIONS.length)]!.question.replace('{}', a);
  for (const a of absent.slice(0, size.absentTrain)) corpus.push(qaText(ask(a), STANDIN_REFUSALS[rng.int(STANDIN_REFUSALS.length)]!));
  return {
    description: `the stand-in world (runner/src/pretrain/standin.ts; seed ${seed}, ${size.subjects} subjects × ${k} facts)`,
    corpus,
    trainProbes,
    heldOutProbes,
    refusalPrompts: absent.slice(size.absentTrain).map((a) => qaPromptText(ask(a))),
    refusalPool: STANDIN_REFUSALS,
    generationPrompts: heldOutProbes.slice(0, 24).map((p, i) => `${p.prompt.match(/[A-Z][a-z]+ [A-Z][a-z]+/)?.[0] ?? 'He'} ${GEN_STEMS[i % GEN_STEMS.length]}`),
  };
}

/** Size presets: `tiny` for tests, `default` for the committed stand-in models. */
export const STANDIN_SIZES: Readonly<Record<string, StandinSize>> = {
  tiny: { subjects: 12, factsPerSubject: 3, absentTrain: 6, absentTest: 4 },
  default: { subjects: 400, factsPerSubject: 4, absentTrain: 300, absentTest: 100 },
};
