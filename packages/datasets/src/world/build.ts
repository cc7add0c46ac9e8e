// buildWorld(seed, size): the entities, facts, held-out templates, benchmark selections and PISTOL
// contracts of one world. Pure and deterministic: every random choice comes from WorldRng streams.
import { WorldRng } from '../rng';
import { NameGenerator } from './names';
import { CHAINS, PERSON_RELATIONS, RELATION_BY_ID, type EntityType } from './schema';
import { DEFAULT_WORLD_VERSION, worldOptions, type WorldOptions, type WorldOptionsV2, type WorldSizeName, type WorldVersion } from './size';
import { buildContracts, type Contract } from './contracts';
import { addAliases, addTuningPeople, selectInsertions, type Insertion, type TuningSplit } from './v2';

export interface Entity {
  /** Stable Wikidata-like id, e.g. "Q1042". */
  readonly id: string;
  readonly type: EntityType;
  readonly name: string;
}

export interface Fact {
  readonly id: string;
  readonly relation: string;
  readonly subject: string;
  readonly object: string;
  /** Index of the statement template kept out of the corpus for this fact. */
  readonly heldOutStatement: number;
  /** Index of the question template kept out of the corpus for this fact. */
  readonly heldOutQuestion: number;
}

/** An edit of one fact to a new object of the same type. */
export interface WorldEdit {
  readonly fact: string;
  readonly newObject: string;
}

/** A ripple edit: change `edit`; the two-hop answer follows the chain's second relation from the new object. */
export interface RippleEdit extends WorldEdit {
  readonly chain: number;
  /** The second-hop fact of the old object and of the new object. */
  readonly oldSecond: string;
  readonly newSecond: string;
}

export interface World {
  readonly seed: number;
  readonly size: string;
  /** 1: the world the committed default models know; 2: adds the tuning split, aliases, two-hop statements, named refusals (README). */
  readonly version: WorldVersion;
  readonly options: WorldOptions & Partial<WorldOptionsV2>;
  readonly entities: readonly Entity[];
  readonly facts: readonly Fact[];
  /** Person entities in no fact: the refusal QA is about them. */
  readonly absent: readonly Entity[];
  /**
   * More people in no fact whose refusal QA is in the corpus only (`refusalQA(w).extra`), named from a
   * separate stream drawn after everything else (`refusalExtraEntities`); ids `QX<i>`.
   */
  readonly absentExtra: readonly Entity[];
  readonly contracts: readonly Contract[];
  readonly benchmark: {
    readonly counterfact: readonly WorldEdit[];
    readonly zsre: readonly WorldEdit[];
    readonly ripple: readonly RippleEdit[];
    /** Facts to forget (TOFU-style QA). */
    readonly tofu: readonly string[];
    /** Facts the MMLU-style set asks about: touched by no benchmark record. */
    readonly mmlu: readonly string[];
    /** Version 2: KnowEdit-style WikiData_counterfact edits (with a two-hop chain) and WikiData_recent insertions. */
    readonly knowedit?: { readonly counterfact: readonly RippleEdit[]; readonly recent: readonly Insertion[] };
  };
  /** Version 2: people (ids `QT<i>`) whose facts only the tuning split uses; empty in version 1. */
  readonly tuningPeople: readonly Entity[];
  /** Version 2: the tuning split's selections, over the tuning people's facts only. */
  readonly tuning?: TuningSplit;
  /** Version 2: entity id → alias (another name for it, taught in the corpus); empty in version 1. */
  readonly aliases: ReadonlyMap<string, string>;
  /** Set on the view `tuningView` returns: renderers then draw from their tuning streams. */
  readonly split?: 'tuning';
  entity(id: string): Entity;
  fact(id: string): Fact;
}

export interface BuildOptions {
  /** World version (default `DEFAULT_WORLD_VERSION`, 1). */
  readonly version?: WorldVersion;
}

export function buildWorld(
  seed: number, size: WorldSizeName | string = 'tiny', overrides: Partial<WorldOptions & WorldOptionsV2> = {}, build: BuildOptions = {},
): World {
  const version = build.version ?? DEFAULT_WORLD_VERSION;
  const o = worldOptions(size, overrides, version);
  const names = new NameGenerator(new WorldRng(seed, 'names'));
  const rng = new WorldRng(seed, 'facts');
  const entities: Entity[] = [];
  const byType = new Map<EntityType, Entity[]>();
  const make = (type: EntityType, n: number): Entity[] => {
    const out: Entity[] = [];
    for (let i = 0; i < n; i++) {
      const e = { id: `Q${1000 + entities.length}`, type, name: names.name(type) };
      entities.push(e);
      out.push(e);
    }
    byType.set(type, [...(byType.get(type) ?? []), ...out]);
    return out;
  };
  const countries = make('country', o.countries);
  const cities = make('city', o.countries * o.citiesPerCountry);
  const languages = make('language', o.languages);
  const companies = make('company', o.companies);
  const products = make('product', o.products);
  const books = make('book', o.books);
  const persons = make('person', o.persons);
  make('sport', o.sports);
  make('instrument', o.instruments);
  make('religion', o.religions);
  make('occupation', o.occupations);

  const facts: Fact[] = [];
  const add = (relation: string, subject: Entity, object: Entity): void => {
    const rel = RELATION_BY_ID.get(relation)!;
    facts.push({
      id: `F${facts.length}`, relation, subject: subject.id, object: object.id,
      heldOutStatement: rng.int(rel.statements.length), heldOutQuestion: rng.int(rel.questions.length),
    });
  };
  const pool = (t: EntityType): Entity[] => byType.get(t) ?? [];
  // Cities are partitioned among countries; each country's capital is one of its own cities.
  cities.forEach((c, i) => add('P17', c, countries[i % o.countries]!));
  countries.forEach((c, i) => {
    const own = cities.filter((_, j) => j % o.countries === i);
    if (own.length) add('P36', c, rng.pick(own));
    if (languages.length) add('P37', c, rng.pick(languages));
  });
  for (const c of companies) if (cities.length) add('P159', c, rng.pick(cities));
  for (const p of products) {
    if (companies.length) add('P176', p, rng.pick(companies));
    if (countries.length) add('P495', p, rng.pick(countries));
  }
  for (const b of books) {
    if (persons.length) add('P50', b, rng.pick(persons));
    if (languages.length) add('P407', b, rng.pick(languages));
  }
  // Every person has a birthplace (so P19→P17 chains exist) plus factsPerPerson−1 other relations.
  const others = PERSON_RELATIONS.filter((r) => r !== 'P19');
  for (const p of persons) {
    const rels = ['P19', ...rng.sample(others, o.factsPerPerson - 1)];
    for (const r of rels) {
      const objs = pool(RELATION_BY_ID.get(r)!.objectType);
      if (objs.length) add(r, p, rng.pick(objs));
    }
  }
  const absent = Array.from({ length: o.refusalEntities }, (_, i) => ({ id: `QA${i}`, type: 'person' as const, name: names.name('person') }));
  const contracts = buildContracts(new WorldRng(seed, 'pistol'), names, o.pistolContracts);
  // Last, from their own stream: adding them changes no name drawn above.
  const extraNames = names.fork(new WorldRng(seed, 'absent-extra'));
  const absentExtra = Array.from({ length: o.refusalExtraEntities }, (_, i) => ({ id: `QX${i}`, type: 'person' as const, name: extraNames.name('person') }));

  // Version 2: the tuning people and their facts come after everything above (own streams), and the
  // benchmark is drawn from the other facts only.
  const v2 = version === 2 ? addTuningPeople(seed, o, extraNames, entities, facts, pool) : undefined;
  const tuningPeople = v2?.people ?? [];
  const tuningIds = new Set(tuningPeople.map((e) => e.id));
  const benchFacts = tuningIds.size ? facts.filter((f) => !tuningIds.has(f.subject)) : facts;
  const entityMap = new Map(entities.map((e) => [e.id, e]));
  const factMap = new Map(facts.map((f) => [f.id, f]));
  const benchmark = selectBenchmark(new WorldRng(seed, 'benchmark'), o, benchFacts, entityMap, pool, version);
  const aliases = v2 ? addAliases(seed, v2.names, benchmark, factMap, entityMap) : new Map<string, string>();
  // The tuning split: the same selection over the tuning people's facts (own stream), no ripple, MMLU or KnowEdit.
  const t = v2 ? selectBenchmark(new WorldRng(seed, 'tuning'), {
    ...o, counterfactRecords: o.tuningCounterfactRecords ?? 0, zsreRecords: o.tuningZsreRecords ?? 0, tofuRecords: o.tuningTofuRecords ?? 0,
    rippleRecords: 0, mmluPerTopic: 0, knoweditCounterfactRecords: 0, knoweditRecentRecords: 0,
  }, facts.filter((f) => tuningIds.has(f.subject)), entityMap, pool, 2) : undefined;
  const tuning: TuningSplit | undefined = t && { counterfact: t.counterfact, zsre: t.zsre, tofu: t.tofu };
  return {
    seed, size, version, options: o, entities, facts, absent, absentExtra, contracts, benchmark, tuningPeople, aliases,
    ...(tuning ? { tuning } : {}),
    entity: (id) => { const e = entityMap.get(id); if (!e) throw new RangeError(`no entity ${id}`); return e; },
    fact: (id) => { const f = factMap.get(id); if (!f) throw new RangeError(`no fact ${id}`); return f; },
  };
}

/** Subjects sharing (relation, object) with `f`: its CounterFact neighbourhood. */
export function neighbours(facts: readonly Fact[], f: Fact): Fact[] {
  return facts.filter((g) => g.relation === f.relation && g.object === f.object && g.subject !== f.subject);
}

/**
 * The benchmark records. Version 2 also reserves, for every CounterFact record, one neighbour no record
 * edits (so its neighbourhood survives 1000 sequential edits), and adds the KnowEdit selections.
 */
export function selectBenchmark(
  rng: WorldRng, o: WorldOptions & Partial<WorldOptionsV2>, facts: readonly Fact[], entities: Map<string, Entity>,
  pool: (t: EntityType) => Entity[], version: WorldVersion = 1,
): World['benchmark'] {
  const used = new Set<string>();
  /** Version 2: neighbours kept unedited for CounterFact records (several records may share one). */
  const reserved = new Set<string>();
  const newObject = (f: Fact): string | undefined => {
    const type = entities.get(f.object)!.type;
    const alts = pool(type).filter((e) => e.id !== f.object && e.id !== f.subject);
    return alts.length ? rng.pick(alts).id : undefined;
  };
  const take = (cands: Fact[], n: number, reserve?: (f: Fact) => Fact | undefined): WorldEdit[] => {
    const out: WorldEdit[] = [];
    for (const f of rng.shuffle(cands)) {
      if (out.length >= n) break;
      if (used.has(f.id) || reserved.has(f.id) || (version === 2 && rippleUsedSecond.has(f.id))) continue;
      const kept = reserve?.(f);
      if (reserve && !kept) continue;
      const nw = newObject(f);
      if (!nw) continue;
      used.add(f.id);
      if (kept) reserved.add(kept.id);
      out.push({ fact: f.id, newObject: nw });
    }
    return out;
  };
  // Ripple first (it needs specific chains), then CounterFact (needs neighbours), ZsRE, TOFU.
  const bySubjRel = new Map(facts.map((f) => [`${f.subject}|${f.relation}`, f]));
  const rippleUsedSecond = new Set<string>();
  const chainEdits = (n: number): RippleEdit[] => {
    const ripple: RippleEdit[] = [];
    for (const f of rng.shuffle(facts)) {
      if (ripple.length >= n) break;
      const chain = CHAINS.findIndex((c) => c.first === f.relation);
      if (chain < 0 || used.has(f.id) || (version === 2 && rippleUsedSecond.has(f.id))) continue;
      const second = CHAINS[chain]!.second;
      const oldSecond = bySubjRel.get(`${f.object}|${second}`);
      if (!oldSecond || (version === 2 && used.has(oldSecond.id))) continue;
      const type = entities.get(f.object)!.type;
      const alts = rng.shuffle(pool(type)).filter((e) => {
        const s = bySubjRel.get(`${e.id}|${second}`);
        return e.id !== f.object && s !== undefined && s.object !== oldSecond.object && !(version === 2 && used.has(s.id));
      });
      const nw = alts[0];
      if (!nw) continue;
      used.add(f.id);
      rippleUsedSecond.add(oldSecond.id);
      const newSecond = bySubjRel.get(`${nw.id}|${second}`)!;
      rippleUsedSecond.add(newSecond.id);
      ripple.push({ fact: f.id, newObject: nw.id, chain, oldSecond: oldSecond.id, newSecond: newSecond.id });
    }
    return ripple;
  };
  const ripple = chainEdits(o.rippleRecords);
  const knoweditCf = version === 2 ? chainEdits(o.knoweditCounterfactRecords ?? 0) : [];
  const groups = new Map<string, number>();
  for (const f of facts) groups.set(`${f.relation}|${f.object}`, (groups.get(`${f.relation}|${f.object}`) ?? 0) + 1);
  const withNeighbours = facts.filter((f) => (groups.get(`${f.relation}|${f.object}`) ?? 0) > 1);
  // Version 2: each record keeps one neighbour (same relation and object) that no record edits.
  const byGroup = new Map<string, Fact[]>();
  for (const f of facts) byGroup.set(`${f.relation}|${f.object}`, [...(byGroup.get(`${f.relation}|${f.object}`) ?? []), f]);
  const keepNeighbour = (f: Fact): Fact | undefined =>
    byGroup.get(`${f.relation}|${f.object}`)!.find((g) => g.id !== f.id && !used.has(g.id));
  const counterfact = take(withNeighbours, o.counterfactRecords, version === 2 ? keepNeighbour : undefined);
  const zsre = take([...facts], o.zsreRecords);
  const tofu = take([...facts], o.tofuRecords).map((e) => e.fact);
  // MMLU: up to mmluPerTopic untouched facts per topic (no benchmark record edits them or rides on them).
  const perTopic = new Map<string, number>();
  const mmlu: string[] = [];
  for (const f of rng.shuffle(facts)) {
    if (used.has(f.id) || rippleUsedSecond.has(f.id)) continue;
    if (pool(entities.get(f.object)!.type).length < 4) continue; // 4 choices need 3 distractors of the same type
    const topic = RELATION_BY_ID.get(f.relation)!.topic;
    const n = perTopic.get(topic) ?? 0;
    if (n >= o.mmluPerTopic) continue;
    perTopic.set(topic, n + 1);
    mmlu.push(f.id);
  }
  if (version === 1) return { counterfact, zsre, ripple, tofu, mmlu };
  const recent = selectInsertions(rng, o.knoweditRecentRecords ?? 0, facts, bySubjRel, pool);
  return { counterfact, zsre, ripple, tofu, mmlu, knowedit: { counterfact: knoweditCf, recent } };
}
