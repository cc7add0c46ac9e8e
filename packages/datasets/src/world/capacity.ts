// How many distinct edit records a world can support (package README, "World version 2"): sizes the
// version 2 presets so that sequential editing at T = 1000 (ForGet Table 8) has a thousand distinct
// CounterFact records, each with a neighbour no record edits.
import type { World } from './build';
import { CHAINS } from './schema';

export interface WorldCapacity {
  readonly facts: number;
  /** Facts the benchmark files may draw from (all but the tuning people's). */
  readonly benchmarkFacts: number;
  readonly tuningFacts: number;
  /**
   * Most CounterFact records with a kept (unedited) neighbour: each (relation, object) group of n ≥ 2
   * facts gives n − 1 (one fact stays unedited as everyone's neighbour).
   */
  readonly counterfactMax: number;
  /** Facts with a two-hop chain (ripple / KnowEdit counterfact candidates). */
  readonly chainFacts: number;
  /** What the world selected. */
  readonly selected: Readonly<Record<string, number>>;
}

export function worldCapacity(w: World): WorldCapacity {
  const tuning = new Set(w.tuningPeople.map((e) => e.id));
  const bench = w.facts.filter((f) => !tuning.has(f.subject));
  const groups = new Map<string, number>();
  for (const f of bench) groups.set(`${f.relation}|${f.object}`, (groups.get(`${f.relation}|${f.object}`) ?? 0) + 1);
  const bySubjRel = new Set(bench.map((f) => `${f.subject}|${f.relation}`));
  const objectOf = new Map(bench.map((f) => [`${f.subject}|${f.relation}`, f.object]));
  const chainFacts = bench.filter((f) => CHAINS.some((c) => c.first === f.relation && bySubjRel.has(`${objectOf.get(`${f.subject}|${f.relation}`)}|${c.second}`))).length;
  const b = w.benchmark;
  return {
    facts: w.facts.length,
    benchmarkFacts: bench.length,
    tuningFacts: w.facts.length - bench.length,
    counterfactMax: [...groups.values()].reduce((a, n) => a + (n >= 2 ? n - 1 : 0), 0),
    chainFacts,
    selected: {
      counterfact: b.counterfact.length, zsre: b.zsre.length, ripple: b.ripple.length, tofu: b.tofu.length, mmlu: b.mmlu.length,
      knoweditCounterfact: b.knowedit?.counterfact.length ?? 0, knoweditRecent: b.knowedit?.recent.length ?? 0,
      tuningCounterfact: w.tuning?.counterfact.length ?? 0, tuningZsre: w.tuning?.zsre.length ?? 0, tuningTofu: w.tuning?.tofu.length ?? 0,
    },
  };
}
