// The formats editlab reads: name, description, typical file names, and the parser. `formatByName`
// suggests the closest name when one is unknown.
import { DatasetError } from '../errors';
import type { CanonicalRecord, FormatName } from '../types';
import { parseCounterFactEasyEdit, parseCounterFactRome } from './counterfact';
import { parseKnowEdit } from './knowedit';
import { parseMmluCsv } from './mmlu';
import { parsePistol, parseTofu } from './qa-formats';
import { parseRecords } from './read';
import { parseRipple } from './ripple';
import type { RecordChecker } from './validate';
import { parseZsre } from './zsre';

export interface FormatInfo {
  readonly name: FormatName;
  readonly description: string;
  /** Typical file names (glob-like, informational and used by `detectFormat` for CSV). */
  readonly filePatterns: readonly string[];
  /** What the records become. */
  readonly produces: 'edit' | 'qa' | 'mc';
  parse(text: string, c: RecordChecker): CanonicalRecord[];
}

const json = (f: (raw: readonly unknown[], c: RecordChecker) => CanonicalRecord[]) =>
  (text: string, c: RecordChecker): CanonicalRecord[] => f(parseRecords(text, c.file), c);

export const FORMATS: readonly FormatInfo[] = [
  { name: 'counterfact-rome', produces: 'edit', filePatterns: ['counterfact.json', '*counterfact*rome*.json'],
    description: 'CounterFact, ROME record format (case_id, requested_rewrite{prompt with "{}", subject, target_new, target_true, relation_id}, paraphrase/neighborhood/attribute/generation prompts)',
    parse: json(parseCounterFactRome) },
  { name: 'counterfact-easyedit', produces: 'edit', filePatterns: ['counterfact-edit.json', 'counterfact-train.json', 'counterfact-val.json'],
    description: 'CounterFact, EasyEdit flat format (case_id, prompt, target_new, subject, ground_truth, rephrase_prompt, locality_prompt, locality_ground_truth)',
    parse: json(parseCounterFactEasyEdit) },
  { name: 'zsre-mend', produces: 'edit', filePatterns: ['zsre_mend_eval.json', 'zsre_mend_train*.json', 'zsre_mend_eval_portability*.json'],
    description: 'ZsRE, MEND format (subject, src, pred, rephrase, alt = new target, answers[0] = true answer, loc, loc_ans, cond[, portability])',
    parse: json(parseZsre) },
  { name: 'rippleedits', produces: 'edit', filePatterns: ['popular.json', 'random.json', 'recent.json'],
    description: 'RippleEdits (example_type, edit{prompt, subject_id, relation, target_id, original_fact}, six test families of queries)',
    parse: json(parseRipple) },
  { name: 'knowedit', produces: 'edit', filePatterns: ['wiki_counterfact*.json', 'wiki_recent*.json', 'test_cf.json', 'recent_test.json'],
    description: 'KnowEdit (subject, prompt, target_new[, ground_truth, rephrase], portability{Reasoning, Subject_Aliasing, Logical_Generalization}, locality{Relation_Specificity, Forgetfulness} of {prompt, ground_truth})',
    parse: json(parseKnowEdit) },
  { name: 'tofu', produces: 'qa', filePatterns: ['*_perturbed.json (JSON Lines)', 'factual_data.json', 'forget*.json'],
    description: 'TOFU QA (question, answer[, perturbed_answer[3], paraphrased_question]); JSON Lines or a JSON array',
    parse: json(parseTofu) },
  { name: 'pistol', produces: 'qa', filePatterns: ['sample_data_*.json'],
    description: 'PISTOL contract-graph QA (question, answer, edge)',
    parse: json(parsePistol) },
  { name: 'mmlu-csv', produces: 'mc', filePatterns: ['<subject>_test.csv', '<subject>_dev.csv', 'a folder of them'],
    description: 'MMLU CSV: headerless question,A,B,C,D,letter (original) or header question,choice0..3,answer index (cais/mmlu)',
    parse: (text, c) => parseMmluCsv(text, c) },
];

/** Levenshtein distance (Wagner–Fischer dynamic programme). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export function formatByName(name: string): FormatInfo {
  const f = FORMATS.find((x) => x.name === name);
  if (f) return f;
  // A name that starts a known name ("zsre" → "zsre-mend") wins; else the nearest by edit distance.
  const lower = name.toLowerCase();
  const prefixed = FORMATS.find((x) => lower.length >= 3 && x.name.startsWith(lower));
  const best = prefixed ?? [...FORMATS].sort((x, y) => editDistance(lower, x.name) - editDistance(lower, y.name))[0]!;
  const hint = prefixed || editDistance(lower, best.name) <= Math.max(2, Math.floor(best.name.length / 3)) ? ` Did you mean "${best.name}"?` : '';
  throw new DatasetError('DATASET_UNKNOWN_FORMAT', `unknown dataset format "${name}".${hint} Known formats: ${FORMATS.map((x) => x.name).join(', ')}`);
}
