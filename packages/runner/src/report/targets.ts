// The edit targets a dataset's targets stage wrote (self-improvement: the refusal the model under
// edit wrote for each forget question, adapters/self-improve.ts), as a CSV beside the table
// (<table>.targets.csv): one line per record and stage, in stage-label then record order.
import { stringify } from 'csv-stringify/sync';
import type { JsonValue } from '../util/json';
import type { StageValues } from './table';

/** One record's target as a targets stage's value lists it. */
export interface TargetLine {
  readonly record: string;
  readonly subject: string;
  /** Exemplars in the prompt (as many as the model's window holds). */
  readonly exemplars?: number;
  /** What the model wrote (before the refusal test). */
  readonly generated: string;
  /** The edit target: the generated text, or the generic refusal that replaced it. */
  readonly target: string;
  readonly replaced: boolean;
}

export const TARGET_COLUMNS = ['stage', 'record', 'subject', 'exemplars', 'generated', 'target', 'replaced'] as const;

function targetLines(value: JsonValue): readonly TargetLine[] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const t = value['targets'];
  return Array.isArray(t) ? (t as unknown as TargetLine[]) : undefined;
}

/** The CSV of every stage value that lists `targets`; undefined when none does. */
export function targetsCsv(stages: StageValues): string | undefined {
  const withTargets = [...stages.values()].flatMap((s) => {
    const lines = targetLines(s.value);
    return lines ? [{ label: s.label, lines }] : [];
  }).sort((a, b) => a.label.localeCompare(b.label));
  if (withTargets.length === 0) return undefined;
  const body = withTargets.flatMap(({ label, lines }) => lines.map((l) => [label, l.record, l.subject, l.exemplars === undefined ? '' : String(l.exemplars), l.generated, l.target, l.replaced ? '1' : '0']));
  return stringify([[...TARGET_COLUMNS], ...body], { record_delimiter: 'unix' });
}
