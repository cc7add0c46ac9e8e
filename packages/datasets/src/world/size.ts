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

/** Knobs only world version 2 has (absent from a version 1 world's options, so its world.json is unchanged). */
export interface WorldOptionsV2 {
  /** People whose facts only the tuning split edits (ids `QT<i>`): in the corpus, in no benchmark file. */
  readonly tuningPersons: number;
  /** Tuning-split records (CounterFact-, ZsRE- and TOFU-style), over the tuning people's facts only. */
  readonly tuningCounterfactRecords: number;
  readonly tuningZsreRecords: number;
  readonly tuningTofuRecords: number;
  /** KnowEdit-style records (Zhang et al. 2024): WikiData_counterfact edits and WikiData_recent insertions. */
  readonly knoweditCounterfactRecords: number;
  readonly knoweditRecentRecords: number;
}

export type WorldSizeName = 'tiny' | 'default';

/** World versions: 1 is the world the committed default models were trained on; 2 adds the material the package README lists under "World version 2". */
export type WorldVersion = 1 | 2;
export const WORLD_VERSIONS: readonly WorldVersion[] = [1, 2];
/** The version every builder uses unless told otherwise (the committed checkpoints and tables are on it). */
export const DEFAULT_WORLD_VERSION: WorldVersion = 1;

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

/**
 * Version 2 presets. `default` is sized for sequential editing at T = 1000 (ForGet Table 8) with every
 * record's neighbourhood on facts no benchmark record edits, plus the tuning split; the capacity is
 * counted in `worldCapacity` and written in the package README.
 */
export const WORLD_SIZES_V2: Readonly<Record<WorldSizeName, WorldOptions & WorldOptionsV2>> = {
  tiny: {
    ...WORLD_SIZES.tiny, persons: 30,
    tuningPersons: 12, tuningCounterfactRecords: 6, tuningZsreRecords: 6, tuningTofuRecords: 6,
    knoweditCounterfactRecords: 4, knoweditRecentRecords: 4,
  },
  default: {
    ...WORLD_SIZES.default,
    counterfactRecords: 1000, rippleRecords: 100,
    // 4,000 extra absent people (version 1: 2,000). With 2,000 the version 2 models refused only 81–83% of
    // held-out absent people (full runs of tiny-llama / tiny-qwen2; target 90%); a 1,500-step check of
    // tiny-llama gave 84% with 2,000 and 97% with 4,000 (docs/default-models.md, "Refusal in version 2").
    refusalExtraEntities: 4000,
    tuningPersons: 180, tuningCounterfactRecords: 200, tuningZsreRecords: 200, tuningTofuRecords: 200,
    knoweditCounterfactRecords: 100, knoweditRecentRecords: 100,
  },
};

const V2_KEYS: readonly (keyof WorldOptionsV2)[] = [
  'tuningPersons', 'tuningCounterfactRecords', 'tuningZsreRecords', 'tuningTofuRecords', 'knoweditCounterfactRecords', 'knoweditRecentRecords',
];

/** A world version from user input (1, 2, "1", "2"); anything else is a located DatasetError. */
export function worldVersion(v: unknown = DEFAULT_WORLD_VERSION): WorldVersion {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (n === 1 || n === 2) return n;
  throw new DatasetError('WORLD_VERSION', `unknown world version ${JSON.stringify(v)} (known: ${WORLD_VERSIONS.join(', ')})`);
}

/** Options for a preset name, optionally overridden knob by knob (version 2 presets and knobs with `version: 2`). */
export function worldOptions(
  size: WorldSizeName | string, overrides: Partial<WorldOptions & WorldOptionsV2> = {}, version: WorldVersion = DEFAULT_WORLD_VERSION,
): WorldOptions & Partial<WorldOptionsV2> {
  const sizes: Record<string, WorldOptions | undefined> = version === 2 ? WORLD_SIZES_V2 : WORLD_SIZES;
  const base = sizes[size];
  if (!base) {
    throw new DatasetError('WORLD_SIZE', `unknown world size "${size}" (known: ${Object.keys(sizes).join(', ')})`);
  }
  if (version === 1) {
    const v2 = V2_KEYS.find((k) => k in overrides);
    if (v2) throw new DatasetError('WORLD_SIZE', `world option ${v2} exists in world version 2 only (this world is version 1)`);
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
