// ZsRE in the MEND format (Mitchell et al. 2022; used by ROME/MEMIT/EasyEdit). `alt` is the NEW target,
// `answers[0]` the true (old) answer, `pred` an earlier model's prediction (ignored), `loc`/`loc_ans`
// an unrelated NQ question that must not change. EasyEdit's portability set adds
// `portability: {"Recalled Relation", "New Question", "New Answer"}`.
import { CANONICAL_VERSION, type EditRecord, type Probe } from '../types';
import { mapRecords, type RecordChecker } from './validate';

export function parseZsre(raw: readonly unknown[], c: RecordChecker): EditRecord[] {
  return mapRecords(raw, c, (r, i, ok): EditRecord | undefined => {
    const [subject, src, rephrase, alt, loc, locAns] = (['subject', 'src', 'rephrase', 'alt', 'loc', 'loc_ans'] as const).map((f) => c.string(i, r, f));
    const answers = c.stringArray(i, r, 'answers', { min: 1 });
    let portability: Probe[] = [];
    if (r.portability !== undefined) {
      const p = c.object(i, 'portability', r.portability);
      const q = p && c.string(i, p, 'New Question', 'portability.New Question');
      const a = p && c.string(i, p, 'New Answer', 'portability.New Answer');
      if (q !== undefined && a !== undefined) portability = [{ prompt: q, answers: [a], family: 'portability' }];
    }
    if (!ok()) return undefined;
    return {
      kind: 'edit', source: 'zsre-mend', version: CANONICAL_VERSION, id: String(i),
      prompt: src!, subject: subject!, targetNew: alt!, targetTrue: answers![0]!,
      paraphrasePrompts: [rephrase!], neighborhood: [], attribute: [], generationPrompts: [],
      locality: [{ prompt: loc!, answers: [locAns!], family: 'locality' }], portability,
    };
  });
}
