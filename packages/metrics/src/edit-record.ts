// The per-record evaluator of editing records: every probe the metrics of a cell need, computed in
// one scoring call, so that Efficacy, Generalization, Locality, their magnitudes and token
// accuracies all read one result. The record's format decides the protocol: ZsRE records are
// scored by teacher-forced token accuracy, KnowEdit and RippleEdits records by KnowEdit's token
// accuracy over their portability and locality families (./knowedit.ts, docs/forget-t6-t8.md), every
// other editing record (CounterFact, the world's CounterFact rendering) by MEMIT/AlphaEdit's
// probability comparisons (docs/definitions.md §1.2, §1.4; EasyEdit `eval_utils_counterfact.py`,
// `eval_utils_zsre.py`).
import type { EditRecord } from '@editlab/datasets';
import { counterfactCase, zsreCase } from './adapters';
import { counterfactMetrics, type CounterFactRecordResult } from './counterfact';
import { knowEditMetrics, type KnowEditRecordResult } from './knowedit';
import type { Scorer } from './scorer';
import type { Split } from './splits';
import { zsreMetrics, type ZsreRecordResult } from './zsre';

export type EditProbes =
  | { readonly format: 'counterfact'; readonly values: CounterFactRecordResult }
  | { readonly format: 'zsre'; readonly values: ZsreRecordResult }
  | { readonly format: 'knowedit'; readonly values: KnowEditRecordResult };

/**
 * Which protocol scores an editing record: ZsRE's token accuracy for ZsRE files, KnowEdit's (token
 * accuracy over the portability and locality families, ./knowedit.ts) for KnowEdit and RippleEdits
 * files, else CounterFact's.
 */
export function editFormat(record: EditRecord): EditProbes['format'] {
  if (record.source === 'zsre-mend') return 'zsre';
  return record.source === 'knowedit' || record.source === 'rippleedits' ? 'knowedit' : 'counterfact';
}

/**
 * Every probe of `splits` (edit, paraphrase, neighbourhood) of one editing record, in one call of
 * `scorer.score`. Values of splits not asked for are NaN. `index` names the record in errors.
 */
export async function evaluateEditRecord(scorer: Scorer, record: EditRecord, splits: ReadonlySet<Split>, index = 0): Promise<EditProbes> {
  const format = editFormat(record);
  if (format === 'knowedit') return { format, values: await knowEditMetrics(scorer, record, splits, index) };
  if (format === 'zsre') {
    return { format: 'zsre', values: (await zsreMetrics(scorer, [zsreCase(record, index)], splits)).records[0]! };
  }
  return { format: 'counterfact', values: (await counterfactMetrics(scorer, [counterfactCase(record, index)], splits)).records[0]! };
}
