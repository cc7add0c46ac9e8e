// RippleEdits (Cohen et al. 2023, §3): an edit (subject, relation, new target) with its original fact
// and six test families of queries; each query's answers carry aliases. The edit prompt is a full
// sentence ending with the new target, so the edit prompt is the sentence minus that target.
import { CANONICAL_VERSION, type EditRecord, type Probe } from '../types';
import { mapRecords, type RecordChecker } from './validate';

export const RIPPLE_FAMILIES = [
  'Logical_Generalization', 'Compositionality_I', 'Compositionality_II', 'Subject_Aliasing', 'Relation_Specificity', 'Forgetfulness',
] as const;

/** The edited sentence without its final object (and period): "X was born in Y." → "X was born in". */
function stripTarget(sentence: string, target: string): string {
  const s = sentence.trim().replace(/\.$/, '');
  return s.endsWith(target) ? s.slice(0, s.length - target.length).trimEnd() : s;
}

export function parseRipple(raw: readonly unknown[], c: RecordChecker): EditRecord[] {
  return mapRecords(raw, c, (r, i, ok): EditRecord | undefined => {
    const edit = c.object(i, 'edit', r.edit);
    const sentence = edit && c.string(i, edit, 'prompt', 'edit.prompt');
    const relation = edit && c.string(i, edit, 'relation', 'edit.relation');
    const orig = edit && c.object(i, 'edit.original_fact', edit.original_fact);
    const origPrompt = orig && c.string(i, orig, 'prompt', 'edit.original_fact.prompt');
    const probes: Probe[] = [];
    for (const fam of RIPPLE_FAMILIES) {
      const tests = r[fam];
      if (tests === undefined) continue;
      if (!Array.isArray(tests)) {
        c.malformed.push({ file: c.file, index: i, field: fam, message: 'expected an array of tests' });
        continue;
      }
      tests.forEach((t0, k) => {
        const t = c.object(i, `${fam}[${k}]`, t0);
        const qs = t && t.test_queries;
        if (!Array.isArray(qs)) {
          c.malformed.push({ file: c.file, index: i, field: `${fam}[${k}].test_queries`, message: 'expected an array of queries' });
          return;
        }
        qs.forEach((q0, j) => {
          const path = `${fam}[${k}].test_queries[${j}]`;
          const q = c.object(i, path, q0);
          const prompt = q && c.string(i, q, 'prompt', `${path}.prompt`);
          const ans = q && q.answers;
          if (!Array.isArray(ans)) {
            c.malformed.push({ file: c.file, index: i, field: `${path}.answers`, message: 'expected an array of {value, aliases}' });
            return;
          }
          const answers = ans.flatMap((a) => (typeof a === 'object' && a !== null && typeof (a as { value?: unknown }).value === 'string'
            ? [(a as { value: string }).value, ...(((a as { aliases?: unknown }).aliases as string[] | undefined) ?? []).filter((x) => typeof x === 'string')]
            : []));
          if (prompt !== undefined) probes.push({ prompt, answers, family: fam });
        });
      });
    }
    if (sentence === undefined || origPrompt === undefined || !ok()) return undefined;
    // The new target: the edit sentence after its longest word-aligned prefix shared with the original sentence.
    let p = 0;
    while (p < sentence.length && sentence[p] === origPrompt[p]) p++;
    const cut = sentence.lastIndexOf(' ', p) + 1;
    // The world's records name the targets (`edit.target`, `original_fact.target`); real ones do not.
    const newAnswer = typeof edit!.target === 'string' ? edit!.target : sentence.slice(cut).replace(/\.$/, '');
    const oldAnswer = typeof orig!.target === 'string' ? orig!.target : origPrompt.slice(cut).replace(/\.$/, '');
    const subjectId = edit!.subject_id;
    const subject = typeof edit!.subject === 'string' ? edit!.subject : guessSubject(sentence, specificityPrompts(r, subjectId));
    return {
      kind: 'edit', source: 'rippleedits', version: CANONICAL_VERSION, id: String(i),
      prompt: stripTarget(sentence, newAnswer), subject, targetNew: newAnswer, targetTrue: oldAnswer, relationId: relation!,
      paraphrasePrompts: [], neighborhood: [], attribute: [], generationPrompts: [], locality: [], portability: probes,
    };
  });
}

/** Prompts of Relation_Specificity / Forgetfulness queries about the edited subject (same subject_id). */
function specificityPrompts(r: Record<string, unknown>, subjectId: unknown): string[] {
  const out: string[] = [];
  for (const fam of ['Relation_Specificity', 'Forgetfulness']) {
    const tests = Array.isArray(r[fam]) ? (r[fam] as unknown[]) : [];
    for (const t of tests) {
      const qs = (t as { test_queries?: unknown }).test_queries;
      for (const q of Array.isArray(qs) ? qs : []) {
        const { prompt, subject_id } = q as { prompt?: unknown; subject_id?: unknown };
        if (typeof prompt === 'string' && subject_id === subjectId) out.push(prompt);
      }
    }
  }
  return out;
}

/**
 * RippleEdits records carry no subject string (only `subject_id`); the world's records add `edit.subject`.
 * Otherwise: the longest word prefix of the edit sentence shared with a query about the same subject,
 * else the sentence's first word.
 */
export function guessSubject(sentence: string, sameSubject: readonly string[]): string {
  const words = sentence.split(' ');
  let best = 0;
  for (const p of sameSubject) {
    const pw = p.split(' ');
    let k = 0;
    while (k < words.length - 1 && k < pw.length && words[k] === pw[k]) k++;
    best = Math.max(best, k);
  }
  return words.slice(0, Math.max(1, best)).join(' ');
}
