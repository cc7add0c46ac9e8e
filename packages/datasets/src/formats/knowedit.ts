// KnowEdit (Zhang et al. 2024, "A Comprehensive Study of Knowledge Editing for Large Language Models";
// EasyEdit's KnowEditDataset): WikiData_counterfact / WikiData_recent / ZsRE records
// {subject, prompt, target_new, ground_truth?, rephrase?, portability: {family: [{prompt, ground_truth}]},
// locality: {family: [{prompt, ground_truth}]}}. A ground_truth is a string, a list of strings, or a
// list of alternatives each a list of surface forms; every form counts as correct.
import { CANONICAL_VERSION, type EditRecord, type Probe } from '../types';
import { describe, mapRecords, type RecordChecker } from './validate';

export const KNOWEDIT_PORTABILITY = ['Logical_Generalization', 'Reasoning', 'Subject_Aliasing'] as const;
export const KNOWEDIT_LOCALITY = ['Relation_Specificity', 'Forgetfulness'] as const;

/** Every surface form of a KnowEdit ground truth (string | string[] | string[][]), or undefined when malformed. */
export function groundTruths(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v) {
    if (typeof x === 'string') out.push(x);
    else if (Array.isArray(x) && x.every((y) => typeof y === 'string')) out.push(...(x as string[]));
    else return undefined;
  }
  return out.length ? out : undefined;
}

function familyProbes(r: Record<string, unknown>, i: number, c: RecordChecker, key: string, families: readonly string[]): Probe[] {
  if (r[key] === undefined || r[key] === null) return [];
  const group = c.object(i, key, r[key]);
  if (!group) return [];
  const out: Probe[] = [];
  for (const fam of families) {
    const items = group[fam];
    if (items === undefined) continue;
    if (!Array.isArray(items)) {
      c.malformed.push({ file: c.file, index: i, field: `${key}.${fam}`, message: `expected an array of {prompt, ground_truth}, got ${describe(items)}` });
      continue;
    }
    items.forEach((it0, k) => {
      const path = `${key}.${fam}[${k}]`;
      const it = c.object(i, path, it0);
      const prompt = it && c.string(i, it, 'prompt', `${path}.prompt`);
      const answers = it && groundTruths(it.ground_truth);
      if (it && !answers) c.malformed.push({ file: c.file, index: i, field: `${path}.ground_truth`, message: `expected a string or a list of (lists of) strings, got ${describe(it.ground_truth)}` });
      if (prompt !== undefined && answers) out.push({ prompt, answers, family: fam });
    });
  }
  return out;
}

export function parseKnowEdit(raw: readonly unknown[], c: RecordChecker): EditRecord[] {
  return mapRecords(raw, c, (r, i, ok): EditRecord | undefined => {
    const subject = c.string(i, r, 'subject');
    const prompt = c.string(i, r, 'prompt');
    const targetNew = c.string(i, r, 'target_new');
    const truth = r.ground_truth === undefined || r.ground_truth === null ? undefined : groundTruths(r.ground_truth);
    if (r.ground_truth !== undefined && r.ground_truth !== null && !truth) {
      c.malformed.push({ file: c.file, index: i, field: 'ground_truth', message: `expected a string or a list of strings, got ${describe(r.ground_truth)}` });
    }
    const rephrase = c.optionalString(i, r, r.rephrase !== undefined ? 'rephrase' : 'rephrase_prompt');
    const portability = familyProbes(r, i, c, 'portability', KNOWEDIT_PORTABILITY);
    const locality = familyProbes(r, i, c, 'locality', KNOWEDIT_LOCALITY);
    if (!ok()) return undefined;
    return {
      kind: 'edit', source: 'knowedit', version: CANONICAL_VERSION, id: String(i),
      prompt: prompt!, subject: subject!, targetNew: targetNew!, ...(truth ? { targetTrue: truth[0]! } : {}),
      paraphrasePrompts: rephrase !== undefined ? [rephrase] : [], neighborhood: [], attribute: [], generationPrompts: [],
      locality, portability,
    };
  });
}
