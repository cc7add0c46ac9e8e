import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildWorld } from './build';
import { renderFiles, WORLD_FILES_V2 } from './render';
import { aliasDocs, fill, refusalQA, renderCorpus, twoHopDocs } from './corpus';
import { CHAINS, REFUSAL_POOL, RELATION_BY_ID } from './schema';
import { NAMED_REFUSAL_TEMPLATES, RELATION_NOUNS, namedRefusal } from './refusal';
import { worldCapacity } from './capacity';
import { worldOptions, worldVersion } from './size';
import { editedFacts } from './v2';
import { parseDataset } from '../formats/load';
import type { EditRecord } from '../types';

const hash = (files: Map<string, string>): string => {
  const h = createHash('sha256');
  for (const [k, v] of [...files].sort(([a], [b]) => a.localeCompare(b))) h.update(`${k}\n${v}\n`);
  return h.digest('hex');
};

const v2 = buildWorld(1, 'default', {}, { version: 2 });
const files = renderFiles(v2);
const corpus = renderCorpus(v2);
const corpusSet = new Set(corpus);
const tiny = buildWorld(7, 'tiny', {}, { version: 2 });

interface CfRecord {
  requested_rewrite: { prompt: string; subject: string; target_new: { str: string }; target_true: { str: string } };
  paraphrase_prompts: string[]; neighborhood_prompts: string[]; attribute_prompts: string[]; generation_prompts: string[];
}

describe('world versions', () => {
  it('version 1 stays the default and byte-identical (every file of the seed 1 default world)', () => {
    const v1 = buildWorld(1, 'default');
    expect(v1.version).toBe(1);
    expect(hash(renderFiles(v1))).toBe('3123def9cb3ac85c4ae4b1a5d46aeacf65d984a45d3bb6025aa4d7da0cce443b');
    expect(hash(renderFiles(buildWorld(7, 'tiny', {}, { version: 1 })))).toBe(hash(renderFiles(buildWorld(7, 'tiny'))));
    expect(JSON.parse(renderFiles(v1).get('world.json')!).version).toBeUndefined();
  });
  it('version 2 is deterministic, records its version, and differs from version 1', () => {
    expect(hash(renderFiles(buildWorld(7, 'tiny', {}, { version: 2 })))).toBe(hash(renderFiles(tiny)));
    expect(hash(renderFiles(tiny))).not.toBe(hash(renderFiles(buildWorld(7, 'tiny'))));
    expect(JSON.parse(files.get('world.json')!).version).toBe(2);
    for (const f of Object.values(WORLD_FILES_V2)) expect(files.has(f)).toBe(true);
    expect(renderFiles(buildWorld(7, 'tiny')).has(WORLD_FILES_V2.tuningCounterfact)).toBe(false);
  });
  it('bad versions and version 2 knobs on version 1 are named errors', () => {
    expect(worldVersion('2')).toBe(2);
    expect(() => worldVersion(3)).toThrow(/unknown world version 3 \(known: 1, 2\)/);
    expect(() => worldOptions('tiny', { tuningPersons: 3 })).toThrow(/tuningPersons exists in world version 2 only/);
    expect(worldOptions('default', {}, 2).tuningPersons).toBe(180);
  });
});

describe('version 2: the tuning split', () => {
  const tuningNames = v2.tuningPeople.map((e) => e.name);
  const benchmarkFiles = [...files].filter(([k]) => !k.startsWith('tuning/') && !k.startsWith('corpus/') && k !== 'world.json');
  const tuningFiles = [...files].filter(([k]) => k.startsWith('tuning/'));
  const namesTuning = (s: string): boolean => tuningNames.some((n) => s.toLowerCase().includes(n.toLowerCase()));

  it('has its records, all over the tuning people, and their facts are in the corpus', () => {
    expect(v2.tuningPeople.length).toBe(180);
    const cf = JSON.parse(files.get(WORLD_FILES_V2.tuningCounterfact)!) as CfRecord[];
    const zsre = JSON.parse(files.get(WORLD_FILES_V2.tuningZsre)!) as { subject: string; src: string; loc: string }[];
    const tofu = files.get(WORLD_FILES_V2.tuningTofu)!.trim().split('\n').map((l) => JSON.parse(l) as { question: string });
    expect([cf.length, zsre.length, tofu.length]).toEqual([200, 200, 200]);
    for (const r of cf) {
      expect(tuningNames).toContain(r.requested_rewrite.subject);
      expect(r.neighborhood_prompts.length).toBeGreaterThan(0);
      for (const p of [...r.paraphrase_prompts, ...r.neighborhood_prompts, ...r.attribute_prompts, ...r.generation_prompts]) expect(namesTuning(p)).toBe(true);
      expect(corpusSet.has(`${fill(r.requested_rewrite.prompt, r.requested_rewrite.subject)} ${r.requested_rewrite.target_true.str}.`)).toBe(true);
    }
    for (const r of zsre) {
      expect(tuningNames).toContain(r.subject);
      expect(namesTuning(r.loc)).toBe(true);
    }
    for (const r of tofu) expect(namesTuning(r.question)).toBe(true);
  });
  it('shares no subject and no record with any benchmark file', () => {
    expect(benchmarkFiles.length).toBeGreaterThanOrEqual(15);
    for (const [file, text] of benchmarkFiles) {
      const lower = text.toLowerCase(); // ZsRE's loc is lower-cased
      const hit = tuningNames.find((n) => lower.includes(n.toLowerCase()));
      expect(hit, `${file} names tuning person ${hit}`).toBeUndefined();
    }
    // No record: no filled prompt or question of a tuning file occurs in a benchmark file (templates with "{}" are shared).
    const strings = (text: string): string[] => [...text.matchAll(/"(?:prompt|src|question|loc|rephrase)": ?"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!).filter((x) => !x.includes('{}'));
    const bench = new Set(benchmarkFiles.flatMap(([, t]) => strings(t)));
    const tuning = tuningFiles.flatMap(([, t]) => strings(t));
    expect(tuning.length).toBeGreaterThan(600);
    for (const s of tuning) expect(bench.has(s)).toBe(false);
    // The tuning people are in no fact as object, and no benchmark record edits their facts.
    const ids = new Set(v2.tuningPeople.map((e) => e.id));
    expect(v2.facts.some((f) => ids.has(f.object))).toBe(false);
    for (const id of editedFacts(v2)) expect(ids.has(v2.fact(id).subject)).toBe(false);
  });
  it('holds on the tiny world too', () => {
    const tf = renderFiles(tiny);
    const names = tiny.tuningPeople.map((e) => e.name);
    for (const [file, text] of tf) {
      if (file.startsWith('tuning/') || file.startsWith('corpus/') || file === 'world.json') continue;
      expect(names.find((n) => text.toLowerCase().includes(n.toLowerCase())), file).toBeUndefined();
    }
    expect((JSON.parse(tf.get(WORLD_FILES_V2.tuningCounterfact)!) as unknown[]).length).toBe(6);
  });
});

describe('version 2: room for sequential editing at T = 1000', () => {
  const cf = JSON.parse(files.get('counterfact/counterfact.json')!) as CfRecord[];
  it('1000 CounterFact records on distinct facts, each with a neighbour no benchmark record edits; probes avoid edited facts', () => {
    expect(cf.length).toBe(1000);
    const facts = v2.benchmark.counterfact.map((e) => e.fact);
    expect(new Set(facts).size).toBe(1000);
    const edited = editedFacts(v2);
    const name = (id: string): string => v2.entity(id).name;
    v2.benchmark.counterfact.forEach((e, i) => {
      const f = v2.fact(e.fact);
      const nb = v2.facts.filter((g) => g.relation === f.relation && g.object === f.object && g.subject !== f.subject && !edited.has(g.id));
      expect(nb.length).toBeGreaterThan(0);
      // Every neighbourhood prompt is about an unedited fact of the same relation and object.
      for (const p of cf[i]!.neighborhood_prompts) expect(nb.some((g) => p.includes(name(g.subject)))).toBe(true);
      // Attribute prompts too: subjects whose unedited fact has the new object.
      const attr = v2.facts.filter((g) => g.relation === f.relation && g.object === e.newObject && !edited.has(g.id));
      for (const p of cf[i]!.attribute_prompts) expect(attr.some((g) => p.includes(name(g.subject)))).toBe(true);
      // The old fact is in the corpus, so a model trained on it knows what the edit overwrites.
      const r = cf[i]!.requested_rewrite;
      expect(corpusSet.has(`${fill(r.prompt, r.subject)} ${r.target_true.str}.`)).toBe(true);
    });
  });
  it('capacity: the world supports more CounterFact records than it renders', () => {
    const c = worldCapacity(v2);
    expect(c.counterfactMax).toBeGreaterThan(2000);
    expect(c.selected).toMatchObject({ counterfact: 1000, zsre: 200, ripple: 100, tofu: 200, tuningCounterfact: 200, knoweditRecent: 100 });
    // Benchmark selections are disjoint (a fact is edited by one record at most).
    const b = v2.benchmark;
    const all = [...b.counterfact, ...b.zsre, ...b.ripple, ...b.knowedit!.counterfact].map((e) => e.fact).concat(b.tofu);
    expect(new Set(all).size).toBe(all.length);
    for (const id of b.mmlu) expect(editedFacts(v2).has(id)).toBe(false);
    // Two-hop answers stay what the records say after every edit: no record edits a second hop.
    for (const e of [...b.ripple, ...b.knowedit!.counterfact]) {
      expect(editedFacts(v2).has(e.oldSecond)).toBe(false);
      expect(editedFacts(v2).has(e.newSecond)).toBe(false);
    }
  });
});

describe('version 2: refusals that name their subject', () => {
  const { train, heldOut, extra } = refusalQA(v2);
  const all = [...train, ...heldOut, ...extra];
  it('about half name the subject and what was asked; the rest are the generic pool', () => {
    const named = all.filter((q) => q.named);
    expect(named.length / all.length).toBeGreaterThan(0.4);
    expect(named.length / all.length).toBeLessThan(0.6);
    for (const q of all.filter((x) => !x.named)) expect(REFUSAL_POOL).toContain(q.answer);
    const nouns = Object.entries(RELATION_NOUNS);
    for (const q of named) {
      expect(REFUSAL_POOL).not.toContain(q.answer);
      const person = [...v2.absent, ...v2.absentExtra].find((e) => q.question.includes(e.name))!;
      expect(q.answer).toContain(person.name);
      // A noun in the answer is the one of the relation the question asks about.
      const asked = [...RELATION_BY_ID.values()].find((r) => r.questions.some((t) => fill(t, person.name) === q.question))!;
      const said = nouns.find(([, n]) => q.answer.endsWith(`'s ${n}.`));
      if (said) expect(said[0]).toBe(asked.id);
    }
    expect(namedRefusal(NAMED_REFUSAL_TEMPLATES[0]!, 'Varon Quel', 'P19')).toBe("I have no information about Varon Quel's birthplace.");
  });
  it('the refusal pool file stays generic; the corpus teaches both kinds', () => {
    expect(JSON.parse(files.get('refusal/refusal_pool.json')!)).toEqual([...REFUSAL_POOL]);
    const recs = JSON.parse(files.get('refusal/refusal_qa.json')!) as { named: boolean; in_corpus: boolean; question: string; answer: string }[];
    expect(recs.some((r) => r.named) && recs.some((r) => !r.named)).toBe(true);
    for (const q of train.concat(extra)) expect(corpusSet.has(`Question: ${q.question}\nAnswer: ${q.answer}`)).toBe(true);
    expect(JSON.parse(files.get(WORLD_FILES_V2.refusalNamed)!).templates).toEqual([...NAMED_REFUSAL_TEMPLATES]);
  });
});

describe('version 2: two-hop and alias facts', () => {
  const ripple = JSON.parse(files.get('rippleedits/random.json')!) as Record<string, { test_queries: { prompt: string; answers: { value: string }[] }[] }[]>[];
  it('ripple records test the alias and, for authors, the subject described through their book', () => {
    expect(ripple.length).toBe(100);
    ripple.forEach((r, i) => {
      const e = v2.benchmark.ripple[i]!;
      const f = v2.fact(e.fact);
      const alias = v2.aliases.get(f.subject)!;
      const sa = r.Subject_Aliasing![0]!.test_queries[0]!;
      expect(sa.prompt).toContain(alias);
      expect(sa.answers[0]!.value).toBe(v2.entity(e.newObject).name);
      expect(corpusSet.has(`${v2.entity(f.subject).name} is also known as ${alias}.`)).toBe(true);
      // Before the edit the alias query has a known answer: the fact stated with the alias is in the corpus.
      expect(corpus.some((d) => d.startsWith(`${alias} `) || d.includes(` ${alias} `))).toBe(true);
      // The two-hop statement of the old chain is in the corpus; the test expects the new one.
      const chain = CHAINS[e.chain]!;
      expect(corpusSet.has(`${fill(chain.prompt, v2.entity(f.subject).name)} ${v2.entity(v2.fact(e.oldSecond).object).name}.`)).toBe(true);
    });
    const comp2 = ripple.filter((r) => r.Compositionality_II!.length > 0);
    expect(comp2.length).toBeGreaterThan(0);
    for (const r of comp2) expect(r.Compositionality_II![0]!.test_queries[0]!.prompt).toMatch(/(the|The) (author|manufacturer|capital) of /);
  });
  it('KnowEdit-style files load with the knowedit loader: counterfact edits and recent insertions', () => {
    const cf = parseDataset(files.get(WORLD_FILES_V2.knoweditCounterfact)!, 'knowedit', 'wiki_counterfact').records as EditRecord[];
    const recent = parseDataset(files.get(WORLD_FILES_V2.knoweditRecent)!, 'knowedit', 'wiki_recent').records as EditRecord[];
    expect([cf.length, recent.length]).toEqual([100, 100]);
    cf.forEach((r, i) => {
      const e = v2.benchmark.knowedit!.counterfact[i]!;
      expect(r.targetTrue).toBe(v2.entity(v2.fact(e.fact).object).name);
      expect(r.portability.find((p) => p.family === 'Reasoning')!.answers[0]).toBe(v2.entity(v2.fact(e.newSecond).object).name);
      expect(r.portability.some((p) => p.family === 'Subject_Aliasing')).toBe(true);
      expect(r.locality.length).toBeGreaterThan(0);
    });
    // An insertion is a fact the world (and so the corpus) does not have.
    v2.benchmark.knowedit!.recent.forEach((e, i) => {
      expect(recent[i]!.targetTrue).toBeUndefined();
      expect(v2.facts.some((f) => f.subject === e.subject && f.relation === e.relation)).toBe(false);
    });
  });
  it('alias and two-hop documents are in the corpus of version 2 only', () => {
    expect(aliasDocs(v2).length).toBeGreaterThan(v2.aliases.size * 2);
    expect(twoHopDocs(v2).length).toBeGreaterThan(800);
    const v1 = buildWorld(7, 'tiny');
    expect(v1.aliases.size).toBe(0);
    expect(renderCorpus(v1).some((d) => d.includes('is also known as'))).toBe(false);
  });
});
