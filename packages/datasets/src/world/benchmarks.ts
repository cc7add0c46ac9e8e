// Renderers of a world's benchmark records into the real on-disk formats (objects ready for
// JSON.stringify), so the same loaders read the world and the real files.
import { WorldRng } from '../rng';
import { RELATION_BY_ID, CHAINS, GENERATION_TEMPLATES, PREFIX_SENTENCES } from './schema';
import { corpusQuestions, fill, inCorpusStatements, refusalQA } from './corpus';
import type { Fact, World, WorldEdit } from './build';
import { editedFacts, streamName } from './v2';
import { compositionalityII, query, relName, subjectAliasing } from './two-hop';

const nm = (w: World, id: string): string => w.entity(id).name;

/** Version 2 keeps probes off facts a record edits (they stay right after 1000 sequential edits). */
const unedited = (w: World): ((f: Fact) => boolean) => {
  if (w.version !== 2) return () => true;
  const edited = editedFacts(w);
  return (f) => !edited.has(f.id);
};

/** CounterFact ROME-format records (Meng et al. 2022, Appendix: counterfact.json schema). */
export function renderCounterFact(w: World): object[] {
  const rng = new WorldRng(w.seed, streamName(w, 'counterfact'));
  const keep = unedited(w);
  const byGroup = new Map<string, Fact[]>();
  for (const g of w.facts) {
    const k = `${g.relation}|${g.object}`;
    const list = byGroup.get(k);
    if (list) list.push(g);
    else byGroup.set(k, [g]);
  }
  const group = (relation: string, object: string, not: string): Fact[] => (byGroup.get(`${relation}|${object}`) ?? []).filter((g) => g.subject !== not);
  return w.benchmark.counterfact.map((e, caseId) => {
    const f = w.fact(e.fact);
    const rel = RELATION_BY_ID.get(f.relation)!;
    const s = nm(w, f.subject);
    const st = inCorpusStatements(f);
    // neighbours(w.facts, f) and the attribute facts, in w.facts order, from the (relation, object) index.
    const nb = rng.sample(group(f.relation, f.object, f.subject).filter(keep), 10);
    const attr = rng.sample(group(f.relation, e.newObject, f.subject).filter(keep), 10);
    const gen = GENERATION_TEMPLATES[w.entity(f.subject).type] ?? ['{} is'];
    return {
      case_id: caseId,
      pararel_idx: Number(f.id.slice(1)),
      requested_rewrite: {
        prompt: rel.statements[rng.pick(st)]!,
        relation_id: f.relation,
        target_new: { str: nm(w, e.newObject), id: e.newObject },
        target_true: { str: nm(w, f.object), id: f.object },
        subject: s,
      },
      // Paraphrases use the held-out template behind a random prefix: never seen in the corpus.
      paraphrase_prompts: [0, 1].map(() => `${rng.pick(PREFIX_SENTENCES)} ${fill(rel.statements[f.heldOutStatement]!, s)}`),
      neighborhood_prompts: nb.map((g) => fill(rel.statements[rng.pick(inCorpusStatements(g))]!, nm(w, g.subject))),
      attribute_prompts: attr.map((g) => fill(rel.statements[rng.pick(inCorpusStatements(g))]!, nm(w, g.subject))),
      generation_prompts: [0, 1, 2].map(() => fill(rng.pick(gen), s)),
    };
  });
}

/** EasyEdit flat CounterFact records, derived from the ROME records (SOURCE.md correspondence). */
export function renderCounterFactEasyEdit(w: World): object[] {
  return renderCounterFact(w).map((r) => {
    const rec = r as { case_id: number; requested_rewrite: { prompt: string; subject: string; target_new: { str: string }; target_true: { str: string } }; paraphrase_prompts: string[]; neighborhood_prompts: string[] };
    const rr = rec.requested_rewrite;
    return {
      case_id: rec.case_id,
      prompt: fill(rr.prompt, rr.subject),
      target_new: rr.target_new.str,
      subject: rr.subject,
      ground_truth: rr.target_true.str,
      rephrase_prompt: rec.paraphrase_prompts[0] ?? '',
      locality_prompt: rec.neighborhood_prompts[0] ?? '',
      locality_ground_truth: rr.target_true.str,
    };
  });
}

/**
 * ZsRE MEND-format records: `alt` is the new target, `answers[0]` the true answer. `locStyle` 'nq'
 * (the default, what the real files look like) writes `loc` as a lower-cased "nq question: …";
 * 'question' writes the locality question in the world's own question template, which the tiny
 * default models were trained on (so their pre-edit locality is meaningful).
 */
export function renderZsre(w: World, withPortability = true, locStyle: 'nq' | 'question' = 'nq'): object[] {
  const rng = new WorldRng(w.seed, streamName(w, 'zsre'));
  const keep = unedited(w);
  const locPool = w.facts.filter((f) => !w.benchmark.zsre.some((e) => e.fact === f.id) && keep(f));
  return w.benchmark.zsre.map((e: WorldEdit) => {
    const f = w.fact(e.fact);
    const rel = RELATION_BY_ID.get(f.relation)!;
    const s = nm(w, f.subject);
    const src = fill(rel.questions[rng.pick(corpusQuestions(f, w.options.qaPerFact))]!, s);
    const loc = rng.pick(locPool.length ? locPool : w.facts);
    const lrel = RELATION_BY_ID.get(loc.relation)!;
    const pred = nm(w, f.object);
    const alt = nm(w, e.newObject);
    const rec: Record<string, unknown> = {
      subject: s, src, pred,
      rephrase: fill(rel.questions[f.heldOutQuestion]!, s),
      alt, answers: [nm(w, f.object)],
      loc: locStyle === 'nq'
        ? `nq question: ${fill(lrel.questions[0]!, nm(w, loc.subject)).replace(/\?$/, '').toLowerCase()}`
        : fill(lrel.questions[0]!, nm(w, loc.subject)),
      loc_ans: nm(w, loc.object),
      cond: `${pred} >> ${alt} || ${src}`,
    };
    if (withPortability) {
      // Portability (EasyEdit): a question whose answer follows from the NEW object via a second relation.
      const chain = CHAINS.findIndex((c) => c.first === f.relation);
      const second = chain >= 0 ? w.facts.find((g) => g.subject === e.newObject && g.relation === CHAINS[chain]!.second) : undefined;
      if (second) {
        rec.portability = {
          'Recalled Relation': `(${alt}, ${RELATION_BY_ID.get(second.relation)!.name}, ${nm(w, second.object)})`,
          'New Question': fill(CHAINS[chain]!.question, s),
          'New Answer': nm(w, second.object),
        };
      } else {
        rec.portability = { 'Recalled Relation': `(${s}, ${rel.name}, ${alt})`, 'New Question': rec.rephrase, 'New Answer': alt };
      }
    }
    return rec;
  });
}

/**
 * RippleEdits records (Cohen et al. 2023): the edit, its original fact, and two-hop / specificity tests;
 * version 2 adds Compositionality II and Subject Aliasing tests and the answers' aliases (two-hop.ts).
 */
export function renderRipple(w: World): object[] {
  const rng = new WorldRng(w.seed, 'ripple');
  return w.benchmark.ripple.map((e) => {
    const f = w.fact(e.fact);
    const rel = RELATION_BY_ID.get(f.relation)!;
    const s = nm(w, f.subject);
    const tpl = rel.statements[rng.pick(inCorpusStatements(f))]!;
    const chain = CHAINS[e.chain]!;
    const ns = w.fact(e.newSecond);
    const secondRel = RELATION_BY_ID.get(ns.relation)!;
    const others = w.facts.filter((g) => g.subject === f.subject && g.id !== f.id);
    return {
      example_type: 'random',
      edit: {
        prompt: `${fill(tpl, s)} ${nm(w, e.newObject)}.`, subject_id: f.subject, subject: s, relation: relName(f.relation), target_id: e.newObject, target: nm(w, e.newObject),
        original_fact: { prompt: `${fill(tpl, s)} ${nm(w, f.object)}.`, subject_id: f.subject, relation: relName(f.relation), target_id: f.object, target: nm(w, f.object) },
      },
      Logical_Generalization: [],
      Compositionality_I: [{
        test_queries: [query(w, fill(chain.prompt, s), nm(w, ns.object), 'two_hop', f.subject, relName(f.relation), ns.object,
          { second_relation: relName(ns.relation), second_hop_target_ids: [ns.object] })],
        test_condition: 'AND',
        condition_queries: [query(w, fill(secondRel.statements[0]!, nm(w, e.newObject)), nm(w, ns.object), 'regular', e.newObject, relName(ns.relation), ns.object)],
      }],
      Compositionality_II: w.version === 2 ? compositionalityII(w, f, tpl, e.newObject) : [],
      Subject_Aliasing: subjectAliasing(w, f, tpl, e.newObject),
      Relation_Specificity: others.map((g) => {
        const r = RELATION_BY_ID.get(g.relation)!;
        return { test_queries: [query(w, fill(r.statements[rng.pick(inCorpusStatements(g))]!, s), nm(w, g.object), 'regular', f.subject, relName(g.relation), g.object)], test_condition: 'OR', condition_queries: [] };
      }),
      Forgetfulness: [],
    };
  });
}

/**
 * TOFU-format QA (question, answer, 3 perturbed answers) + the paraphrased question. Default: the
 * forget set (`benchmark.tofu`); `retain` gives the same over the untouched facts (`benchmark.mmlu`).
 */
export function renderTofu(w: World, set: 'forget' | 'retain' = 'forget'): object[] {
  const rng = new WorldRng(w.seed, streamName(w, `tofu:${set}`));
  return (set === 'forget' ? w.benchmark.tofu : w.benchmark.mmlu).map((id) => {
    const f = w.fact(id);
    const rel = RELATION_BY_ID.get(f.relation)!;
    const s = nm(w, f.subject);
    const type = w.entity(f.object).type;
    const wrong = rng.sample(w.entities.filter((e) => e.type === type && e.id !== f.object), 3).map((e) => e.name);
    return {
      question: fill(rel.questions[rng.pick(corpusQuestions(f, w.options.qaPerFact))]!, s),
      answer: nm(w, f.object),
      perturbed_answer: wrong,
      paraphrased_question: fill(rel.questions[f.heldOutQuestion]!, s),
    };
  });
}

/** PISTOL-format QA over the contract graph (absent from the pretraining corpus). */
export function renderPistol(w: World): object[] {
  return w.contracts.flatMap((c) => c.qa.map((q) => ({ question: q.question, answer: q.answer, edge: c.edge })));
}

/** Refusal QA records (TOFU schema) about absent entities, all of them (corpus and held-out). */
export function renderRefusal(w: World): { question: string; answer: string; in_corpus: boolean }[] {
  const { train, heldOut } = refusalQA(w);
  return [...train.map((q) => ({ ...q, in_corpus: true })), ...heldOut.map((q) => ({ ...q, in_corpus: false }))];
}

/** MMLU-style 4-choice items by topic, over facts no benchmark record touches. */
export function renderMmlu(w: World): Map<string, { question: string; choices: string[]; answer: number }[]> {
  const rng = new WorldRng(w.seed, 'mmlu');
  const out = new Map<string, { question: string; choices: string[]; answer: number }[]>();
  for (const id of w.benchmark.mmlu) {
    const f = w.fact(id);
    const rel = RELATION_BY_ID.get(f.relation)!;
    const type = w.entity(f.object).type;
    const wrong = rng.sample(w.entities.filter((e) => e.type === type && e.id !== f.object), 3).map((e) => e.name);
    if (wrong.length < 3) continue;
    const answer = rng.int(4);
    const choices = [...wrong];
    choices.splice(answer, 0, nm(w, f.object));
    const list = out.get(rel.topic) ?? [];
    list.push({ question: fill(rel.questions[rng.pick(corpusQuestions(f, w.options.qaPerFact))]!, nm(w, f.subject)), choices, answer });
    out.set(rel.topic, list);
  }
  return out;
}
