// What world version 2 adds to a world (package README, "World version 2"): the tuning people and
// their split, aliases of the two-hop records' subjects, KnowEdit-style insertions, and the views the
// renderers draw the benchmark files and the tuning files from. Every draw here comes from streams of
// its own, after everything version 1 draws.
import { WorldRng } from '../rng';
import type { NameGenerator } from './names';
import { CHAINS, PERSON_RELATIONS, RELATION_BY_ID, type EntityType } from './schema';
import type { WorldOptions, WorldOptionsV2 } from './size';
import type { Entity, Fact, RippleEdit, World, WorldEdit } from './build';

/** A KnowEdit WikiData_recent-style insertion: a fact the world does not have (so no corpus knows it). */
export interface Insertion {
  readonly subject: string;
  readonly relation: string;
  readonly newObject: string;
  /** The chain whose first relation is `relation` (CHAINS index) and the second-hop fact of the new object. */
  readonly chain: number;
  readonly newSecond: string;
}

/** The tuning split: records over the tuning people's facts only (same shapes as the benchmark's). */
export interface TuningSplit {
  readonly counterfact: readonly WorldEdit[];
  readonly zsre: readonly WorldEdit[];
  readonly tofu: readonly string[];
}

/**
 * The tuning people (ids `QT<i>`) and their facts, appended to `entities` and `facts`. Their objects
 * come from the shared pools; no fact has a tuning person as object (they are not in `pool('person')`).
 * Returns them and the name generator the aliases fork from (it knows every stem used so far).
 */
export function addTuningPeople(
  seed: number, o: WorldOptions & Partial<WorldOptionsV2>, names: NameGenerator, entities: Entity[], facts: Fact[],
  pool: (t: EntityType) => Entity[],
): { people: Entity[]; names: NameGenerator } {
  const gen = names.fork(new WorldRng(seed, 'tuning-names'));
  const rng = new WorldRng(seed, 'tuning-facts');
  const others = PERSON_RELATIONS.filter((r) => r !== 'P19');
  const people: Entity[] = [];
  for (let i = 0; i < (o.tuningPersons ?? 0); i++) {
    const e: Entity = { id: `QT${i}`, type: 'person', name: gen.name('person') };
    entities.push(e);
    people.push(e);
    for (const r of ['P19', ...rng.sample(others, o.factsPerPerson - 1)]) {
      const rel = RELATION_BY_ID.get(r)!;
      const objs = pool(rel.objectType);
      if (!objs.length) continue;
      facts.push({
        id: `F${facts.length}`, relation: r, subject: e.id, object: rng.pick(objs).id,
        heldOutStatement: rng.int(rel.statements.length), heldOutQuestion: rng.int(rel.questions.length),
      });
    }
  }
  return { people, names: gen };
}

/** Subjects of the two-hop records (ripple, KnowEdit) get an alias: a fresh name of their type. */
export function addAliases(
  seed: number, names: NameGenerator, benchmark: World['benchmark'], facts: ReadonlyMap<string, Fact>, entities: ReadonlyMap<string, Entity>,
): Map<string, string> {
  const gen = names.fork(new WorldRng(seed, 'alias'));
  const subjects = [
    ...benchmark.ripple.map((e) => facts.get(e.fact)!.subject),
    ...(benchmark.knowedit?.counterfact ?? []).map((e) => facts.get(e.fact)!.subject),
    ...(benchmark.knowedit?.recent ?? []).map((e) => e.subject),
  ];
  const out = new Map<string, string>();
  for (const id of subjects) if (!out.has(id)) out.set(id, gen.name(entities.get(id)!.type));
  return out;
}

/**
 * WikiData_recent-style insertions: people without a fact of a chain's first relation get one (a new
 * object of the right type whose second hop exists), so the record inserts knowledge rather than
 * overwriting it. Distinct subjects.
 */
export function selectInsertions(
  rng: WorldRng, n: number, facts: readonly Fact[], bySubjRel: ReadonlyMap<string, Fact>, pool: (t: EntityType) => Entity[],
): Insertion[] {
  const out: Insertion[] = [];
  const people = [...new Set(facts.filter((f) => f.relation === 'P19').map((f) => f.subject))];
  for (const subject of rng.shuffle(people)) {
    if (out.length >= n) break;
    const open = CHAINS.map((c, i) => ({ c, i })).filter(({ c }) =>
      RELATION_BY_ID.get(c.first)!.subjectType === 'person' && !bySubjRel.has(`${subject}|${c.first}`));
    if (!open.length) continue;
    const { c, i } = rng.pick(open);
    const cands = pool(RELATION_BY_ID.get(c.first)!.objectType).filter((e) => bySubjRel.has(`${e.id}|${c.second}`));
    if (!cands.length) continue;
    const obj = rng.pick(cands);
    out.push({ subject, relation: c.first, newObject: obj.id, chain: i, newSecond: bySubjRel.get(`${obj.id}|${c.second}`)!.id });
  }
  return out;
}

/** The world the benchmark files are rendered from: without the tuning people and their facts. */
export function benchmarkView(w: World): World {
  if (!w.tuningPeople.length) return w;
  const t = new Set(w.tuningPeople.map((e) => e.id));
  return { ...w, entities: w.entities.filter((e) => !t.has(e.id)), facts: w.facts.filter((f) => !t.has(f.subject)) };
}

/** The world the tuning files are rendered from: the tuning people's facts, the tuning selections as its benchmark. */
export function tuningView(w: World): World {
  if (!w.tuning) throw new RangeError(`world version ${w.version} has no tuning split (version 2 has)`);
  const t = new Set(w.tuningPeople.map((e) => e.id));
  return {
    ...w,
    split: 'tuning',
    facts: w.facts.filter((f) => t.has(f.subject)),
    benchmark: { counterfact: w.tuning.counterfact, zsre: w.tuning.zsre, ripple: [], tofu: w.tuning.tofu, mmlu: [] },
  };
}

/** A renderer's random stream: its own name, or `tuning:<name>` on the tuning view. */
export const streamName = (w: World, name: string): string => (w.split === 'tuning' ? `tuning:${name}` : name);

/** Version 2: every fact a record of `w.benchmark` edits (neighbourhood and locality probes avoid them). */
export function editedFacts(w: World): Set<string> {
  const b = w.benchmark;
  return new Set([...b.counterfact, ...b.zsre, ...b.ripple, ...(b.knowedit?.counterfact ?? [])].map((e) => e.fact).concat(b.tofu));
}
