// What a metric reads and how its per-record values become one table value. A split names the
// probes of a record a metric scores (docs/metrics.md "Splits"): editing records have the edit
// (rewrite prompt), paraphrase and neighbourhood probes (MEMIT/AlphaEdit CounterFact, ZsRE);
// unlearning sets have the forget, retain and rephrased-forget items (TOFU, PISTOL); `general` is
// a general-capability set (MMLU) unrelated to the edited facts.

export const SPLITS = ['edit', 'paraphrase', 'neighbourhood', 'forget', 'retain', 'rephrased-forget', 'general'] as const;
export type Split = (typeof SPLITS)[number];

/** The three probe sets of an editing record, in the order they are scored. */
export const EDIT_SPLITS: ReadonlySet<Split> = new Set<Split>(['edit', 'paraphrase', 'neighbourhood']);

/** How the per-record values of a metric become one table value. */
export const AGGREGATES = ['mean', 'median', 'min', 'max'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
