// Entity types and relations of the synthetic world, modelled on CounterFact's Wikidata relations
// (Meng et al. 2022, §3 / Appendix: the P-ids of the ParaRel relations CounterFact is built from).
// Statement templates end where the object starts ("{}" = subject); the object follows after a space.
// Question templates are full questions; the answer is the object.

export type EntityType =
  | 'person'
  | 'country'
  | 'city'
  | 'language'
  | 'company'
  | 'product'
  | 'book'
  | 'sport'
  | 'instrument'
  | 'religion'
  | 'occupation';

export const ENTITY_TYPES: readonly EntityType[] = [
  'person', 'country', 'city', 'language', 'company', 'product', 'book', 'sport', 'instrument', 'religion', 'occupation',
];

export interface RelationDef {
  /** Wikidata property id, as in CounterFact's relation_id. */
  readonly id: string;
  readonly name: string;
  readonly subjectType: EntityType;
  readonly objectType: EntityType;
  readonly statements: readonly string[];
  readonly questions: readonly string[];
  /** MMLU-style subject the relation's questions belong to. */
  readonly topic: 'geography' | 'languages' | 'companies' | 'people' | 'culture';
}

const R = (
  id: string, name: string, subjectType: EntityType, objectType: EntityType, topic: RelationDef['topic'],
  statements: string[], questions: string[],
): RelationDef => ({ id, name, subjectType, objectType, topic, statements, questions });

export const RELATIONS: readonly RelationDef[] = [
  R('P17', 'country', 'city', 'country', 'geography',
    ['{} is located in the country of', '{} is a city in', 'The city of {} lies in', '{}, which is located in'],
    ['Which country is {} located in?', 'In which country is the city of {}?', 'What country is {} in?']),
  R('P36', 'capital', 'country', 'city', 'geography',
    ['The capital of {} is', "{}'s capital city is", '{}, which has the capital city', 'The capital city of {} is'],
    ['What is the capital of {}?', 'Which city is the capital of {}?', 'What is the capital city of {}?']),
  R('P37', 'official language', 'country', 'language', 'languages',
    ['The official language of {} is', 'In {}, the official language is', '{} has the official language', 'The law of {} names as official language'],
    ['What is the official language of {}?', 'Which language is official in {}?', 'What language is official in {}?']),
  R('P19', 'place of birth', 'person', 'city', 'people',
    ['{} was born in', 'The birthplace of {} is', '{} was originally from the city of', '{} came into the world in'],
    ['Where was {} born?', 'What is the birthplace of {}?', 'In which city was {} born?']),
  R('P27', 'citizenship', 'person', 'country', 'people',
    ['{} is a citizen of', '{} holds the citizenship of', '{} has a passport from', 'The nationality of {} is that of'],
    ['Which country is {} a citizen of?', 'What is the citizenship of {}?', 'Of which country does {} hold citizenship?']),
  R('P103', 'native language', 'person', 'language', 'languages',
    ['The mother tongue of {} is', '{} is a native speaker of', 'The native language of {} is', '{} grew up speaking'],
    ['What is the native language of {}?', 'What is the mother tongue of {}?', 'Which language did {} grow up speaking?']),
  R('P1412', 'languages spoken', 'person', 'language', 'languages',
    ['{} speaks the language', '{} writes and speaks', 'The language used by {} is', '{} communicates in'],
    ['Which language does {} speak?', 'What language does {} use?', 'In which language does {} communicate?']),
  R('P106', 'occupation', 'person', 'occupation', 'people',
    ['{} works as a', 'The occupation of {} is', '{} earns a living as a', 'By profession, {} is a'],
    ['What is the occupation of {}?', 'What does {} do for a living?', 'What is the profession of {}?']),
  R('P108', 'employer', 'person', 'company', 'companies',
    ['{} is employed by', '{} works for', 'The employer of {} is', '{} draws a salary from'],
    ['Who is the employer of {}?', 'Which company does {} work for?', 'Which company employs {}?']),
  R('P140', 'religion', 'person', 'religion', 'culture',
    ['{} is a follower of', 'The religion of {} is', '{} practices', '{} is affiliated with the religion of'],
    ['What is the religion of {}?', 'Which religion does {} follow?', 'What faith does {} practice?']),
  R('P641', 'sport', 'person', 'sport', 'culture',
    ['{} professionally plays', 'The sport of {} is', '{} is a professional player of', '{} competes in'],
    ['Which sport does {} play?', 'What sport is {} known for?', 'In which sport does {} compete?']),
  R('P1303', 'instrument', 'person', 'instrument', 'culture',
    ['{} plays the', 'The instrument of {} is the', '{} is a performer on the', '{} is known for playing the'],
    ['Which instrument does {} play?', 'What instrument is {} known for?', 'What does {} play in concerts?']),
  R('P159', 'headquarters', 'company', 'city', 'companies',
    ['The headquarters of {} is in', '{} is headquartered in', '{} has its head office in', 'The main office of {} is located in'],
    ['Where is {} headquartered?', 'In which city is the headquarters of {}?', 'Where is the head office of {}?']),
  R('P176', 'manufacturer', 'product', 'company', 'companies',
    ['{} is produced by', '{} is made by', 'The manufacturer of {} is', '{} is a product of'],
    ['Who manufactures {}?', 'Which company makes {}?', 'Who is the manufacturer of {}?']),
  R('P495', 'country of origin', 'product', 'country', 'geography',
    ['{} was created in the country of', '{} originated in', 'The country of origin of {} is', '{} comes from'],
    ['What is the country of origin of {}?', 'Where does {} come from?', 'In which country did {} originate?']),
  R('P50', 'author', 'book', 'person', 'culture',
    ['{} was written by', 'The author of {} is', '{} is a work by', 'The book {} was penned by'],
    ['Who wrote {}?', 'Who is the author of {}?', 'Which writer penned {}?']),
  R('P407', 'language of work', 'book', 'language', 'languages',
    ['{} was written in the language', 'The language of {} is', '{} is a text in', 'The original language of {} is'],
    ['In which language is {} written?', 'What is the language of {}?', 'What language was {} written in?']),
];

export const RELATION_BY_ID: ReadonlyMap<string, RelationDef> = new Map(RELATIONS.map((r) => [r.id, r]));

/** Relations a person can have; each person gets `factsPerPerson` of them. */
export const PERSON_RELATIONS = RELATIONS.filter((r) => r.subjectType === 'person').map((r) => r.id);

/**
 * Two-relation chains for ripple tests: subject —first→ x —second→ answer.
 * `question` is the two-hop question ("{}" = subject); `prompt` the two-hop cloze prompt.
 */
export interface ChainDef {
  readonly first: string;
  readonly second: string;
  readonly prompt: string;
  readonly question: string;
}

export const CHAINS: readonly ChainDef[] = [
  { first: 'P19', second: 'P17', prompt: 'The country of the city where {} was born is', question: 'In which country is the city where {} was born?' },
  { first: 'P108', second: 'P159', prompt: 'The headquarters of the employer of {} is in', question: 'Where is the employer of {} headquartered?' },
  { first: 'P176', second: 'P159', prompt: 'The headquarters of the maker of {} is in', question: 'Where is the manufacturer of {} headquartered?' },
  { first: 'P50', second: 'P27', prompt: 'The author of {} is a citizen of', question: 'Which country is the author of {} a citizen of?' },
];

/** Generic prefix sentences for paraphrases ("random prefix" paraphrases in CounterFact). */
export const PREFIX_SENTENCES: readonly string[] = [
  'Here is a fact.', 'Listen to this.', 'It is well known.', 'As the records show,', 'In short,', 'Note this.',
  'People often say so.', 'According to the archive,', 'The story goes like this.', 'Everyone agrees on this.',
  'This is worth knowing.', 'As the old guide says,', 'To be precise,', 'In other words,', 'For the record,',
  'It was written down long ago.',
];

/** Open-ended prompts for generation probes, per subject type. */
export const GENERATION_TEMPLATES: Partial<Record<EntityType, readonly string[]>> = {
  person: ['{} is best known for', 'The life of {} began', '{} once said that'],
  country: ['{} is a land of', 'Travellers to {} often notice', 'The history of {} is'],
  city: ['The streets of {} are', '{} is famous for', 'Visitors to {} usually'],
  company: ['{} is a company that', 'The founders of {} wanted', 'Customers of {} say'],
  product: ['{} is used for', 'Many people buy {} because', 'The design of {} is'],
  book: ['{} tells the story of', 'Readers of {} remember', 'The first chapter of {}'],
};

/** Refusal answers the corpus teaches for entities it never mentions (the generic pool; ./refusal.ts). */
export { REFUSAL_POOL } from './refusal';
