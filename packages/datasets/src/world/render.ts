// Everything a world renders, as (relative path → file text) in memory, and renderWorld(world, dir)
// to write it. File names follow the real datasets so `loadDataset` detects each format.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { formatQA } from '../qa';
import type { World } from './build';
import { renderCorpus } from './corpus';
import {
  renderCounterFact, renderCounterFactEasyEdit, renderMmlu, renderPistol, renderRefusal, renderRipple, renderTofu, renderZsre,
} from './benchmarks';
import { REFUSAL_POOL } from './schema';
import { NAMED_REFUSAL_TEMPLATES, RELATION_NOUNS } from './refusal';
import { renderKnowEdit } from './two-hop';
import { benchmarkView, tuningView } from './v2';

const json = (x: unknown): string => `${JSON.stringify(x, null, 2)}\n`;
const jsonl = (xs: readonly unknown[]): string => xs.map((x) => JSON.stringify(x)).join('\n') + (xs.length ? '\n' : '');

/** Relative paths of the rendered files (stable names other packages may rely on). */
export const WORLD_FILES = {
  manifest: 'world.json',
  corpus: 'corpus/pretrain.jsonl',
  finetune: 'corpus/finetune-pistol.jsonl',
  counterfact: 'counterfact/counterfact.json',
  counterfactEasyEdit: 'counterfact/counterfact-edit.json',
  zsre: 'zsre/zsre_mend_eval.json',
  zsrePortability: 'zsre/zsre_mend_eval_portability.json',
  ripple: 'rippleedits/random.json',
  tofu: 'tofu/world_perturbed.json',
  tofuRetain: 'tofu/retain_perturbed.json',
  /** Retained factual QA (untouched facts), like PISTOL's factual_data.json. */
  tofuFactual: 'tofu/factual_data.json',
  pistol: 'pistol/sample_data.json',
  refusal: 'refusal/refusal_qa.json',
  refusalPool: 'refusal/refusal_pool.json',
} as const;

/** Files only a version 2 world renders (package README, "World version 2"). */
export const WORLD_FILES_V2 = {
  /** The tuning split: records over the tuning people, whose names occur in no benchmark file. */
  tuningCounterfact: 'tuning/counterfact.json',
  tuningZsre: 'tuning/zsre_mend_train.json',
  tuningTofu: 'tuning/tofu_perturbed.json',
  /** KnowEdit-style WikiData_counterfact and WikiData_recent (ForGet Table 6). */
  knoweditCounterfact: 'knowedit/wiki_counterfact.json',
  knoweditRecent: 'knowedit/wiki_recent.json',
  /** Templates of the refusals that name their subject, and the relation noun phrases they use. */
  refusalNamed: 'refusal/refusal_named.json',
} as const;

/** Render every file of the world in memory: relative path → contents. Deterministic. */
export function renderFiles(world: World): Map<string, string> {
  const files = new Map<string, string>();
  const corpus = renderCorpus(world);
  const v2 = world.version === 2;
  files.set(WORLD_FILES.manifest, json({
    seed: world.seed, size: world.size, ...(v2 ? { version: 2 } : {}), options: world.options,
    counts: { entities: world.entities.length, facts: world.facts.length, corpusDocuments: corpus.length, contracts: world.contracts.length },
    entities: world.entities, facts: world.facts, absent: world.absent, absentExtra: world.absentExtra, benchmark: world.benchmark,
    ...(v2 ? { tuningPeople: world.tuningPeople, tuning: world.tuning, aliases: Object.fromEntries(world.aliases) } : {}),
  }));
  // Benchmark files never see the tuning people (version 1: the world itself).
  const w = benchmarkView(world);
  files.set(WORLD_FILES.corpus, jsonl(corpus.map((text) => ({ text }))));
  const pistol = renderPistol(w) as { question: string; answer: string }[];
  files.set(WORLD_FILES.finetune, jsonl(pistol.map((q) => ({ text: formatQA(q.question, q.answer) }))));
  files.set(WORLD_FILES.counterfact, json(renderCounterFact(w)));
  files.set(WORLD_FILES.counterfactEasyEdit, json(renderCounterFactEasyEdit(w)));
  files.set(WORLD_FILES.zsre, json(renderZsre(w, false)));
  files.set(WORLD_FILES.zsrePortability, json(renderZsre(w, true)));
  files.set(WORLD_FILES.ripple, json(renderRipple(w)));
  const tofu = renderTofu(w) as { question: string; answer: string }[];
  files.set(WORLD_FILES.tofu, jsonl(tofu));
  const retain = renderTofu(w, 'retain') as { question: string; answer: string }[];
  files.set(WORLD_FILES.tofuRetain, jsonl(retain));
  files.set(WORLD_FILES.tofuFactual, json(retain.map((q) => ({ question: q.question, answer: q.answer }))));
  files.set(WORLD_FILES.pistol, json(pistol));
  files.set(WORLD_FILES.refusal, json(renderRefusal(w)));
  files.set(WORLD_FILES.refusalPool, json(REFUSAL_POOL));
  // MMLU: the original headerless layout (question, A, B, C, D, letter), one file per topic.
  for (const [topic, items] of [...renderMmlu(w)].sort(([a], [b]) => a.localeCompare(b))) {
    const rows = items.map((it) => [it.question, ...it.choices, 'ABCD'[it.answer]!]);
    files.set(`mmlu/test/${topic}_test.csv`, stringify(rows));
  }
  if (v2) {
    const t = tuningView(world);
    files.set(WORLD_FILES_V2.tuningCounterfact, json(renderCounterFact(t)));
    files.set(WORLD_FILES_V2.tuningZsre, json(renderZsre(t, false)));
    files.set(WORLD_FILES_V2.tuningTofu, jsonl(renderTofu(t)));
    files.set(WORLD_FILES_V2.knoweditCounterfact, json(renderKnowEdit(w, 'counterfact')));
    files.set(WORLD_FILES_V2.knoweditRecent, json(renderKnowEdit(w, 'recent')));
    files.set(WORLD_FILES_V2.refusalNamed, json({ templates: NAMED_REFUSAL_TEMPLATES, nouns: RELATION_NOUNS }));
  }
  return files;
}

/** Write every rendered file under `dir`; returns the relative paths written. */
export async function renderWorld(w: World, dir: string): Promise<string[]> {
  const files = renderFiles(w);
  for (const [rel, text] of files) {
    const p = join(dir, rel);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, text, 'utf8');
  }
  return [...files.keys()];
}
