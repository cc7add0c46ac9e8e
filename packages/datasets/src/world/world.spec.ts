import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildWorld, neighbours } from './build';
import { renderFiles } from './render';
import { renderCorpus, refusalQA, fill } from './corpus';
import { CHAINS, RELATION_BY_ID } from './schema';
import { renderCounterFact, renderRipple } from './benchmarks';

const hash = (files: Map<string, string>): string => {
  const h = createHash('sha256');
  for (const [k, v] of [...files].sort(([a], [b]) => a.localeCompare(b))) h.update(`${k}\n${v}\n`);
  return h.digest('hex');
};
const w = buildWorld(7, 'tiny');
const corpus = renderCorpus(w);
const corpusText = corpus.join('\n');
const wordRe = (s: string): RegExp => new RegExp(`(^|[^A-Za-z])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^A-Za-z]|$)`);

describe('world determinism', () => {
  it('same seed and size give the same bytes; another seed differs', () => {
    const a = hash(renderFiles(buildWorld(7, 'tiny')));
    expect(hash(renderFiles(buildWorld(7, 'tiny')))).toBe(a);
    expect(hash(renderFiles(buildWorld(8, 'tiny')))).not.toBe(a);
  });
  it('tiny renders in under a second with ~100 facts', () => {
    const t = performance.now();
    renderFiles(buildWorld(3, 'tiny'));
    expect(performance.now() - t).toBeLessThan(1000);
    expect(w.facts.length).toBeGreaterThanOrEqual(80);
    expect(w.facts.length).toBeLessThanOrEqual(150);
  });
  it('unknown size is a located error', () => {
    expect(() => buildWorld(1, 'huge')).toThrow(/unknown world size "huge"/);
  });
});

describe('world invariants', () => {
  it('facts respect relation type constraints; one object per (subject, relation)', () => {
    const seen = new Set<string>();
    for (const f of w.facts) {
      const rel = RELATION_BY_ID.get(f.relation)!;
      expect(w.entity(f.subject).type).toBe(rel.subjectType);
      expect(w.entity(f.object).type).toBe(rel.objectType);
      const key = `${f.subject}|${f.relation}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
    expect(new Set(w.facts.map((f) => f.relation)).size).toBeGreaterThanOrEqual(15);
  });
  it('names are unique and subject names are multi-word', () => {
    const all = [...w.entities, ...w.absent].map((e) => e.name);
    expect(new Set(all).size).toBe(all.length);
    const subjects = new Set(w.facts.map((f) => f.subject));
    for (const id of subjects) expect(w.entity(id).name.split(' ').length).toBeGreaterThanOrEqual(2);
    for (const e of w.entities) expect(e.name.length).toBeGreaterThanOrEqual(6);
  });
  it('a capital is a city of its own country', () => {
    for (const f of w.facts.filter((x) => x.relation === 'P36')) {
      expect(w.facts.some((g) => g.relation === 'P17' && g.subject === f.object && g.object === f.subject)).toBe(true);
    }
  });
  it('held-out templates of a fact never appear in the corpus for that fact', () => {
    for (const f of w.facts) {
      const rel = RELATION_BY_ID.get(f.relation)!;
      const s = w.entity(f.subject).name;
      expect(corpusText.includes(fill(rel.statements[f.heldOutStatement]!, s))).toBe(false);
      expect(corpusText.includes(fill(rel.questions[f.heldOutQuestion]!, s))).toBe(false);
      const other = (f.heldOutStatement + 1) % rel.statements.length;
      expect(corpusText.includes(fill(rel.statements[other]!, s))).toBe(true);
    }
  });
  it('refusal entities are in no fact; held-out ones are absent from the corpus', () => {
    const ids = new Set(w.facts.flatMap((f) => [f.subject, f.object]));
    for (const e of w.absent) expect(ids.has(e.id)).toBe(false);
    const { train, heldOut } = refusalQA(w);
    for (const q of train) expect(corpus).toContain(`Question: ${q.question}\nAnswer: ${q.answer}`);
    for (const e of w.absent.slice(train.length)) expect(wordRe(e.name).test(corpusText)).toBe(false);
    expect(heldOut.length).toBe(w.options.refusalHeldOut);
  });
  it('extra refusal people: in no fact, uniquely named, their refusal QA in the corpus, not in refusal_qa.json', () => {
    const big = buildWorld(7, 'tiny', { refusalExtraEntities: 30, refusalExtraQuestions: 2 });
    expect(big.absentExtra.length).toBe(30);
    const ids = new Set(big.facts.flatMap((f) => [f.subject, f.object]));
    for (const e of big.absentExtra) expect(ids.has(e.id)).toBe(false);
    // Unique stems across the whole world, contracts included.
    const stems = (n: string): string[] => n.toLowerCase().split(' ');
    const contractText = JSON.stringify(big.contracts).toLowerCase();
    const seen = new Set([...big.entities, ...big.absent].flatMap((e) => stems(e.name)));
    for (const e of big.absentExtra) for (const st of stems(e.name)) {
      expect(seen.has(st)).toBe(false);
      expect(new RegExp(`\\b${st}\\b`).test(contractText)).toBe(false);
      seen.add(st);
    }
    const { extra, heldOut } = refusalQA(big);
    expect(extra.length).toBe(60);
    const c = renderCorpus(big);
    for (const q of extra) expect(c).toContain(`Question: ${q.question}\nAnswer: ${q.answer}`);
    // Two distinct question templates per person.
    expect(new Set(extra.map((q) => q.question)).size).toBe(60);
    const held = new Set(heldOut.map((q) => q.question));
    for (const q of extra) expect(held.has(q.question)).toBe(false);
    const rendered = renderFiles(big).get('refusal/refusal_qa.json')!;
    for (const e of big.absentExtra) expect(rendered.includes(e.name)).toBe(false);
  });
  it('PISTOL contracts are absent from the pretraining corpus', () => {
    expect(w.contracts.length).toBe(w.options.pistolContracts);
    for (const c of w.contracts) {
      expect(c.qa.length).toBe(20);
      expect(wordRe(c.partyA).test(corpusText)).toBe(false);
      expect(wordRe(c.partyB).test(corpusText)).toBe(false);
      for (const q of c.qa) expect(corpusText.includes(q.question)).toBe(false);
    }
  });
  it('neighbourhood prompts share relation and object, with another subject', () => {
    const recs = renderCounterFact(w) as { requested_rewrite: { subject: string; relation_id: string; target_true: { id: string }; target_new: { id: string } }; neighborhood_prompts: string[] }[];
    expect(recs.length).toBe(w.options.counterfactRecords);
    for (const r of recs) {
      const rr = r.requested_rewrite;
      expect(rr.target_new.id).not.toBe(rr.target_true.id);
      expect(w.entity(rr.target_new.id).type).toBe(w.entity(rr.target_true.id).type);
      expect(r.neighborhood_prompts.length).toBeGreaterThan(0);
      const f = w.facts.find((x) => w.entity(x.subject).name === rr.subject && x.relation === rr.relation_id)!;
      const nb = neighbours(w.facts, f).map((g) => w.entity(g.subject).name);
      for (const p of r.neighborhood_prompts) {
        expect(p.includes(rr.subject)).toBe(false);
        expect(nb.some((n) => p.includes(n))).toBe(true);
      }
    }
  });
  it('MMLU facts are edited by no benchmark record', () => {
    const b = w.benchmark;
    const edited = new Set([...b.counterfact, ...b.zsre, ...b.ripple].map((e) => e.fact).concat(b.tofu));
    expect(b.mmlu.length).toBeGreaterThan(0);
    for (const id of b.mmlu) expect(edited.has(id)).toBe(false);
  });
  it('ripple two-hop answers follow the world from the new object', () => {
    const recs = renderRipple(w) as { edit: { subject_id: string; target_id: string }; Compositionality_I: { test_queries: { answers: { value: string }[] }[] }[] }[];
    expect(recs.length).toBe(w.options.rippleRecords);
    recs.forEach((r, i) => {
      const e = w.benchmark.ripple[i]!;
      const second = CHAINS[e.chain]!.second;
      const g = w.facts.find((x) => x.subject === r.edit.target_id && x.relation === second)!;
      expect(r.Compositionality_I[0]!.test_queries[0]!.answers[0]!.value).toBe(w.entity(g.object).name);
      const old = w.fact(e.oldSecond);
      expect(old.object).not.toBe(g.object);
    });
  });
  it('default preset: a few thousand facts and a ~0.5–2 MB corpus', () => {
    const d = buildWorld(1, 'default');
    expect(d.facts.length).toBeGreaterThan(2000);
    const bytes = renderCorpus(d).join('\n').length;
    expect(bytes).toBeGreaterThan(500_000);
    expect(bytes).toBeLessThan(2_000_000);
  });
});

describe('QA format and size options', () => {
  it('formatQA / qaPrompt / parseQA agree', async () => {
    const { formatQA, qaPrompt, parseQA } = await import('../qa');
    expect(formatQA('Who?', 'Me')).toBe('Question: Who?\nAnswer: Me');
    expect(formatQA('Who?', 'Me').startsWith(qaPrompt('Who?'))).toBe(true);
    expect(parseQA(formatQA('Who?', 'Me'))).toEqual({ question: 'Who?', answer: 'Me' });
    expect(parseQA('Who? Me')).toBeUndefined();
  });
  it('overrides change the world; bad knobs are named', async () => {
    const { worldOptions } = await import('./size');
    const big = buildWorld(7, 'tiny', { persons: 40 });
    expect(big.entities.filter((e) => e.type === 'person').length).toBe(40);
    expect(() => worldOptions('tiny', { sports: 2 })).toThrow(/sports must be at least 4/);
    expect(() => worldOptions('tiny', { persons: 1.5 })).toThrow(/persons must be a non-negative integer/);
  });
});

describe('pinned world bytes', () => {
  // The committed default checkpoints are trained on the seed-1 default corpus: a change here means
  // the world changed and those models must be retrained (update the pin on purpose, say so in the commit).
  // Issue 5 added refusal material only (refusalExtraEntities people named from their own stream):
  // the corpus and world.json changed on purpose; every other file of the default world did not.
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
  it('seed 1 default corpus and seed 7 tiny files have their pinned sha256', () => {
    const corpus = renderFiles(buildWorld(1, 'default')).get('corpus/pretrain.jsonl')!;
    expect(sha(corpus)).toBe('4aa5b463ddd035c12896b4ce4841bb2a134dc7693de01f65d5f2f2e4c85b06ad');
    expect(hash(renderFiles(buildWorld(7, 'tiny')))).toBe('19d9b2f15d77527c82d2bb3e93bdc249ece51a8eef377da57f8cf1b9a51a9ce5');
  });
  it('seed 1 default: every file but the corpus and world.json is as before the extra refusal people', () => {
    const files = renderFiles(buildWorld(1, 'default'));
    files.delete('corpus/pretrain.jsonl');
    files.delete('world.json');
    expect(hash(files)).toBe('9e99ecabbe80703ac8dbae7c7e4013e34d3c11dd32b902ea378560351a7b4d0d');
  });
  it('without the extra refusal people the seed 1 default corpus is byte-identical to the one before them', () => {
    const corpus = renderFiles(buildWorld(1, 'default', { refusalExtraEntities: 0 })).get('corpus/pretrain.jsonl')!;
    expect(sha(corpus)).toBe('f52daabb030fcf00b96cba00edcf3dc7a8b0f7dc77eef9f190df957fcf58df63');
  });
  it('the extra refusal people change no entity, fact, absent person, contract or benchmark record', () => {
    const pick = (x: ReturnType<typeof buildWorld>): string => JSON.stringify([x.entities, x.facts, x.absent, x.contracts, x.benchmark]);
    expect(pick(buildWorld(1, 'default'))).toBe(pick(buildWorld(1, 'default', { refusalExtraEntities: 0 })));
    expect(pick(buildWorld(7, 'tiny', { refusalExtraEntities: 500, refusalExtraQuestions: 3 }))).toBe(pick(w));
  });
});

describe('benchmark questions the corpus teaches', () => {
  it('TOFU, ZsRE and MMLU questions are asked in the corpus in the QA format', async () => {
    const { renderTofu, renderZsre, renderMmlu } = await import('./benchmarks');
    const qs = [
      ...(renderTofu(w) as { question: string }[]).map((r) => r.question),
      ...(renderZsre(w) as { src: string }[]).map((r) => r.src),
      ...[...renderMmlu(w).values()].flat().map((r) => r.question),
    ];
    expect(qs.length).toBeGreaterThan(30);
    for (const q of qs) expect(corpusText).toContain(`Question: ${q}\nAnswer:`);
  });
});
