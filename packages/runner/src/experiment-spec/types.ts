// The resolved spec: the validated document with every default filled in. This exact object is
// written beside each table, a snapshot of the configuration that produced it.
import type { JsonObject, JsonValue } from '../util/json';

export interface AxisItem {
  readonly label?: string;
  readonly params: JsonObject;
  /** Sweep: every combination of these params is its own variant. */
  readonly matrix?: Record<string, JsonValue[]>;
}
export interface ModelItem extends AxisItem {
  readonly model: string;
  /** Text (paragraphs) or JSONL (`text` per line) file that `reads: corpus` method stages read, relative
   *  to the spec; default: the model's own corpus (the embedded models' world). */
  readonly corpus?: string;
}
export interface DatasetItem extends AxisItem {
  readonly dataset: string;
  /** Knowledge to keep (MethodContext.retain): another dataset, or a split of this one. */
  readonly retain?: RetainItem;
  /** Only with these model items (labels): e.g. a PISTOL set only on the model finetuned on it. Default: every model. */
  readonly models?: readonly string[];
}
export interface RetainItem {
  readonly dataset?: string;
  readonly params?: JsonObject;
  readonly split?: string;
}
export interface MethodItem extends AxisItem {
  readonly method: string;
  /** Repeat each variant with these seeds (the data order of training methods): the row reports the
   *  mean over seeds, `<column>_sd` the spread (docs/metrics.md "Seeds"). */
  readonly seeds?: readonly number[];
  /** Only under these protocols (their table labels, e.g. "unlearn(sequential)"). Default: every protocol. */
  readonly protocols?: readonly string[];
  /** Constant text columns of this method's rows (e.g. ForGet Table 1's `type: MP`), written after the
   *  key columns; a row of a method without one has the column empty. */
  readonly columns?: Readonly<Record<string, string>>;
  /** Only on these dataset items (their labels), e.g. a variant for records without a true target. Default: every dataset. */
  readonly datasets?: readonly string[];
}
/** A metric with params or its own column name; a bare id means `{ metric: id }`. */
export interface MetricItem {
  readonly metric: string;
  readonly label?: string;
  readonly params?: JsonObject;
}

/** One metric column of the table: which metric, under which column name, with which params. */
export interface MetricUse {
  readonly id: string;
  readonly column: string;
  readonly params: JsonObject;
}

/** Whether any method item repeats over `seeds:` (the table then has `<column>_sd` columns). */
export function hasSeeds(spec: Pick<Spec, 'methods'>): boolean {
  return spec.methods.some((m) => (m.seeds?.length ?? 0) > 0);
}

/** The constant columns the spec's method items name (`columns:`), in order of first appearance. */
export function constantColumns(spec: Pick<Spec, 'methods'>): string[] {
  return [...new Set(spec.methods.flatMap((m) => Object.keys(m.columns ?? {})))];
}

export function metricUses(spec: Pick<Spec, 'metrics'>): MetricUse[] {
  return spec.metrics.map((m) =>
    typeof m === 'string' ? { id: m, column: m, params: {} } : { id: m.metric, column: m.label ?? m.metric, params: m.params ?? {} },
  );
}

/**
 * How a cell edits its records (docs/metrics.md "Protocols"; protocol.ts has what each means for
 * execution). single: each record edited, evaluated, undone. batch: `size` records in one edit call.
 * sequential: T records edited in order without undo, all evaluated on the final model (with
 * `evalEach`, also each right after its own edit). unlearn: the dataset's whole forget set in one
 * call (`apply: all`, the default), or applied as sequential edits or batches of `size`.
 */
export type Protocol =
  | { readonly kind: 'single' }
  | { readonly kind: 'sequential'; readonly T: number; readonly evalEach?: boolean }
  | { readonly kind: 'batch'; readonly size: number }
  | {
      readonly kind: 'unlearn';
      readonly apply?: 'all' | 'sequential' | 'batch';
      readonly size?: number;
      /** Query merging (Editing-as-Unlearning §3.2): every `merge` consecutive forget requests become one
       *  request, their questions concatenated, with one refusal (exec/merge.ts). Evaluation stays per record. */
      readonly merge?: number;
    };

/** A figure drawn from the table after each run (`editlab plot` with these options). */
export interface PlotItem {
  readonly kind: 'bar' | 'line' | 'radar';
  readonly metrics: readonly string[];
  readonly x?: string;
  readonly series?: string;
  readonly title?: string;
  /** SVG path relative to the results directory. */
  readonly output: string;
}

export interface Spec {
  readonly name: string;
  readonly description?: string;
  readonly seed: number;
  readonly output: string;
  readonly models: readonly ModelItem[];
  readonly datasets: readonly DatasetItem[];
  readonly methods: readonly MethodItem[];
  readonly protocols: readonly Protocol[];
  readonly metrics: readonly (string | MetricItem)[];
  /** `limit`: only the first N records of each dataset (absent: all). */
  readonly run: { readonly chunk: number; readonly limit?: number };
  readonly plots?: readonly PlotItem[];
  /** 'aggregate': one row per cell group with metric means; 'per-record': one row per record. */
  readonly rows: 'aggregate' | 'per-record';
  /** Method params the spec leaves unset: the schema default ('schema', when absent) or, for params
   *  with a rule, the rule's value on each model ('rule'; docs/defaults.md). */
  readonly defaults?: 'schema' | 'rule';
}

export function protocolLabel(p: Protocol): string {
  if (p.kind === 'sequential') return `sequential(T=${p.T}${p.evalEach ? ',evalEach' : ''})`;
  if (p.kind === 'batch') return `batch(${p.size})`;
  if (p.kind === 'unlearn') {
    const parts = [...(p.apply === 'sequential' ? ['sequential'] : p.apply === 'batch' ? [`batch=${p.size}`] : []), ...(p.merge !== undefined ? [`merge=${p.merge}`] : [])];
    return parts.length ? `unlearn(${parts.join(',')})` : 'unlearn';
  }
  return 'single';
}
