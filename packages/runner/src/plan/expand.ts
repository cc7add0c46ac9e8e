// Expand `matrix:` (a sweep over an item's params) into concrete variants. The order is the
// cartesian product in the order the keys and values are written, last key fastest, so row order
// follows the spec a reader sees.
import type { JsonObject, JsonValue } from '../util/json';
import type { DatasetItem, MethodItem, ModelItem, RetainItem } from '../experiment-spec/types';
import { MAX_ROWS, matrixSize } from '../experiment-spec/limits';
import { RunnerError } from '../errors';

export interface MethodVariant {
  /** Index of the method in spec.methods. */
  readonly index: number;
  readonly method: string;
  /** Name in the table's `method` column. */
  readonly label: string;
  /** The swept values of this variant, in matrix order ("lr=0.1 steps=5"); '' when none. */
  readonly hparams: string;
  readonly params: JsonObject;
  /** The item's `seeds:` (each a repetition of the variant); absent = the spec's seed only. */
  readonly seeds?: readonly number[];
}

export function formatValue(v: JsonValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function cartesian(matrix: Record<string, readonly JsonValue[]>): Array<Array<[string, JsonValue]>> {
  // Counted before expanding: validate refuses larger sweeps, this guards programmatic callers.
  const size = matrixSize(matrix);
  if (size > MAX_ROWS) throw new RunnerError('USAGE', `a matrix of ${size} combinations; at most ${MAX_ROWS} are allowed`);
  let combos: Array<Array<[string, JsonValue]>> = [[]];
  for (const [k, values] of Object.entries(matrix)) {
    combos = combos.flatMap((c) => values.map((v) => [...c, [k, v] as [string, JsonValue]]));
  }
  return combos;
}

export interface AxisVariant {
  /** Registry id of the model or dataset. */
  readonly id: string;
  /** Name in the table: the item's label, plus "[k=v …]" for a swept variant. */
  readonly label: string;
  readonly params: JsonObject;
  /** Models: the item's `corpus:` file (relative to the spec), read by `reads: corpus` stages. */
  readonly corpus?: string;
  /** Datasets: the item's `retain:` set. */
  readonly retain?: RetainItem;
  /** Datasets: the model items (labels) the dataset runs on; absent: every model. */
  readonly models?: readonly string[];
}

/** Whether a dataset variant runs on a model variant: its `models:` names the model item (a swept variant "label[k=v]" by its label). */
export function pairsWith(dataset: AxisVariant, model: AxisVariant): boolean {
  return !dataset.models || names(dataset.models, model.label);
}

/** Whether `labels` names an item of this variant label (a swept variant "label[k=v]" by its label). */
export function names(labels: readonly string[], label: string): boolean {
  const at = label.indexOf('[');
  return labels.includes(label) || (at > 0 && labels.includes(label.slice(0, at)));
}

/** Models and datasets: a swept variant is named "label[n=20]" in its own column. */
export function expandAxis(items: readonly (ModelItem | DatasetItem)[]): AxisVariant[] {
  return items.flatMap((item) => {
    const id = 'model' in item ? item.model : item.dataset;
    return cartesian(item.matrix ?? {}).map((combo) => ({
      id,
      label: (item.label ?? id) + (combo.length ? `[${combo.map(([k, v]) => `${k}=${formatValue(v)}`).join(' ')}]` : ''),
      params: { ...item.params, ...Object.fromEntries(combo) },
      ...('corpus' in item && item.corpus !== undefined ? { corpus: item.corpus } : {}),
      ...('retain' in item && item.retain !== undefined ? { retain: item.retain } : {}),
      ...('models' in item && item.models !== undefined ? { models: item.models } : {}),
    }));
  });
}

export function expandMethods(methods: readonly MethodItem[]): MethodVariant[] {
  return methods.flatMap((m, index) =>
    cartesian(m.matrix ?? {}).map((combo) => ({
      index,
      method: m.method,
      label: m.label ?? m.method,
      hparams: combo.map(([k, v]) => `${k}=${formatValue(v)}`).join(' '),
      params: { ...m.params, ...Object.fromEntries(combo) },
      ...(m.seeds?.length ? { seeds: [...m.seeds] } : {}),
    })),
  );
}
