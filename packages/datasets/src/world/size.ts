// Size knobs of the world. `tiny` is for tests (~100 facts, renders in well under a second);
// `default` is what the default models pretrain on (a few thousand facts, a corpus of ~1 MB).
import { DatasetError } from '../errors';

export interface WorldOptions {
  readonly countries: number;
  readonly citiesPerCountry: number;
  readonly languages: number;
  readonly companies: number;
  readonly products: number;
  readonly books: number;
  readonly persons: number;
  /** Facts per person (place of birth + this−1 other person relations). */
  readonly factsPerPerson: number;
  readonly sports: number;
  readonly instruments: number;
  readonly religions: number;
  readonly occupations: number;
  /** Entities never in any fact; their refusal QA is in the corpus. */
  readonly refusalEntities: number;
  /** Of which this many are kept out of the corpus too (held-out refusal probes). */
  readonly refusalHeldOut: number;
  /**
   * More absent people whose refusal QA is only in the corpus (teaches refusing unseen names). Their
   * names come from a separate random stream after everything else, so no other name, fact, benchmark
   * record or refusal record changes with this knob.
   */
  readonly refusalExtraEntities: number;
  /** Refusal questions per extra absent person (distinct person question templates, at most 27). */
  readonly refusalExtraQuestions: number;
  /** PISTOL contracts (20 attributes each). */
  readonly pistolContracts: number;
  /** Corpus: statement repeats per in-corpus template, QA lines per fact, prefixed paraphrases per fact. */
  readonly statementRepeats: number;
  readonly qaPerFact: number;
  readonly paraphrasesPerFact: number;
  /** Benchmark records (each drawn from distinct facts). */
  readonly counterfactRecords: number;
  readonly zsreRecords: number;
  readonly rippleRecords: number;
  readonly tofuRecords: number;
  readonly mmluPerTopic: number;
}

export type WorldSizeName = 'tiny' | 'default';

export const WORLD_SIZES: Readonly<Record<WorldSizeName, WorldOptions>> = {
  tiny: {
    countries: 4, citiesPerCountry: 3, languages: 4, companies: 6, products: 8, books: 6, persons: 20,
    factsPerPerson: 3, sports: 4, instruments: 4, religions: 4, occupations: 4,
    refusalEntities: 10, refusalHeldOut: 4, refusalExtraEntities: 40, refusalExtraQuestions: 1, pistolContracts: 4,
    statementRepeats: 1, qaPerFact: 1, paraphrasesPerFact: 1,
    counterfactRecords: 10, zsreRecords: 10, rippleRecords: 4, tofuRecords: 10, mmluPerTopic: 4,
  },
  default: {
    countries: 16, citiesPerCountry: 8, languages: 12, companies: 50, products: 120, books: 100, persons: 500,
    factsPerPerson: 4, sports: 10, instruments: 10, religions: 6, occupations: 14,
    refusalEntities: 300, refusalHeldOut: 100, refusalExtraEntities: 2000, refusalExtraQuestions: 1, pistolContracts: 20,
    statementRepeats: 1, qaPerFact: 1, paraphrasesPerFact: 1,
    counterfactRecords: 200, zsreRecords: 200, rippleRecords: 60, tofuRecords: 200, mmluPerTopic: 50,
  },
};

/** Options for a preset name, optionally overridden knob by knob. */
export function worldOptions(size: WorldSizeName | string, overrides: Partial<WorldOptions> = {}): WorldOptions {
  const base = (WORLD_SIZES as Record<string, WorldOptions | undefined>)[size];
  if (!base) {
    throw new DatasetError('WORLD_SIZE', `unknown world size "${size}" (known: ${Object.keys(WORLD_SIZES).join(', ')})`);
  }
  const o = { ...base, ...overrides };
  for (const [k, v] of Object.entries(o)) {
    if (!Number.isInteger(v) || v < 0) throw new DatasetError('WORLD_SIZE', `world option ${k} must be a non-negative integer, got ${String(v)}`);
  }
  if (o.factsPerPerson < 1 || o.factsPerPerson > 9) throw new DatasetError('WORLD_SIZE', 'world option factsPerPerson must be in 1..9');
  // Every object type needs ≥ 4 entities: TOFU's 3 perturbed answers and MMLU's 3 distractors.
  for (const k of ['countries', 'languages', 'companies', 'persons', 'sports', 'instruments', 'religions', 'occupations'] as const) {
    if (o[k] < 4) throw new DatasetError('WORLD_SIZE', `world option ${k} must be at least 4 (3 wrong answers of the same type are needed), got ${o[k]}`);
  }
  if (o.countries * o.citiesPerCountry < 4) throw new DatasetError('WORLD_SIZE', 'countries × citiesPerCountry must be at least 4');
  if (o.refusalHeldOut > o.refusalEntities) throw new DatasetError('WORLD_SIZE', 'refusalHeldOut must be ≤ refusalEntities');
  return o;
}
