// KnowEdit's protocol for RippleEdits-derived records (WikiData_recent, WikiData_counterfact; Zhang et
// al. 2024, EasyEdit `evaluate_utils.py` `test_prediction_acc`), which ForGet Table 6 follows: every
// probe is scored by teacher-forced token accuracy (the share of target tokens that are the argmax
// given the prompt and the target's own prefix). Efficacy is the rewrite prompt's accuracy on the new
// target ("Edit Succ."); Generalization is the portability side (the mean over the record's
// portability families: Subject_Aliasing, Reasoning/Compositionality, Logical_Generalization); Locality
// the locality side (Relation_Specificity, Forgetfulness). The mapping and the two choices that differ
// from EasyEdit (locality against the ground truth, any surface form counts) are in docs/forget-t6-t8.md.
import type { EditRecord } from '@editlab/datasets';
import { badInput } from './errors';
import { tokenAccuracy } from './counterfact';
import { scoreAll } from './nll';
import type { ScoreRequest, Scorer } from './scorer';
import type { Split } from './splits';
import { mean, spaced } from './stats';

/** Families on the Generalization side (KnowEdit "portability"; RippleEdits' generalization tests). */
export const PORTABILITY_FAMILIES = ['Subject_Aliasing', 'Reasoning', 'Compositionality_I', 'Compositionality_II', 'Logical_Generalization'] as const;
/** Families on the Locality side (KnowEdit "locality"; RippleEdits' specificity and forgetfulness tests). */
export const LOCALITY_FAMILIES = ['Relation_Specificity', 'Forgetfulness'] as const;
export type RippleFamily = (typeof PORTABILITY_FAMILIES)[number] | (typeof LOCALITY_FAMILIES)[number];

const LOCALITY_SET: ReadonlySet<string> = new Set(LOCALITY_FAMILIES);

/** Which side a probe counts on: by its family name (a RippleEdits file lists every family as a test). */
export function familySide(family: string): 'portability' | 'locality' {
  return LOCALITY_SET.has(family) ? 'locality' : 'portability';
}

export interface KnowEditRecordResult {
  /** Token accuracy of the new target on the rewrite prompt, 0–1. */
  readonly efficacy: number;
  /** Mean over the record's portability families of each family's mean probe accuracy, 0–1 (NaN: none). */
  readonly generalization: number;
  /** The same over its locality families, 0–1 (NaN: none). */
  readonly locality: number;
  /** Family → mean probe accuracy, 0–1, for the families the record has (and the splits asked for). */
  readonly families: Readonly<Record<string, number>>;
}

const METRIC = 'knowedit';

/**
 * One KnowEdit/RippleEdits record in one scoring call. `splits`: edit (the rewrite prompt), paraphrase
 * (the portability probes), neighbourhood (the locality probes); values of a split left out are NaN.
 * A probe with several answers (aliases) scores its best answer.
 */
export async function knowEditMetrics(scorer: Scorer, r: EditRecord, splits: ReadonlySet<Split>, index = 0): Promise<KnowEditRecordResult> {
  if (r.targetNew.trim() === '') badInput(METRIC, index, 'target_new', 'is empty');
  const probes = [...r.portability, ...r.locality].filter((p) => p.answers.length > 0 && splits.has(familySide(p.family) === 'locality' ? 'neighbourhood' : 'paraphrase'));
  const reqs: ScoreRequest[] = [
    ...(splits.has('edit') ? [{ prompt: r.prompt, continuation: spaced(r.targetNew) }] : []),
    ...probes.flatMap((p) => p.answers.map((a) => ({ prompt: p.prompt, continuation: spaced(a) }))),
  ];
  const rows = reqs.length ? await scoreAll(scorer, METRIC, reqs) : [];
  let k = 0;
  const efficacy = splits.has('edit') ? tokenAccuracy(rows[k++]!) : Number.NaN;
  const byFamily = new Map<string, number[]>();
  for (const p of probes) {
    const best = Math.max(...p.answers.map(() => tokenAccuracy(rows[k++]!)));
    byFamily.set(p.family, [...(byFamily.get(p.family) ?? []), best]);
  }
  const families = Object.fromEntries([...byFamily].map(([f, xs]) => [f, mean(xs)]));
  const side = (s: 'portability' | 'locality') => {
    const xs = Object.entries(families).filter(([f]) => familySide(f) === s).map(([, v]) => v);
    return xs.length ? mean(xs) : Number.NaN;
  };
  return { efficacy, generalization: side('portability'), locality: side('locality'), families };
}

