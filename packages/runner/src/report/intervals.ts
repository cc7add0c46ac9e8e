// A row's values from its records, their 95% bootstrap intervals and, with `seeds:`, their spread
// (docs/metrics.md "Intervals", "Seeds"). The same function turns any list of per-record values into
// the row's values (plain metrics aggregated, derived metrics combined from them), so the bootstrap
// recomputes exactly the table's statistic on each resample of the records.
import { BOOTSTRAP_DEFAULTS, bootstrapIntervals, mean, sampleSd, aggregate } from '@editlab/metrics';
import type { Registries } from '../registries';
import type { MetricColumn } from './table';

type Values = Readonly<Record<string, number | null>>;

/** How a table's intervals are computed; written into its meta.json. */
export const INTERVALS = {
  method: 'percentile bootstrap over records (the same resample for every column of a row)',
  level: BOOTSTRAP_DEFAULTS.level,
  resamples: BOOTSTRAP_DEFAULTS.resamples,
  stream: 'the row key: model, dataset, method, hparams, protocol',
} as const;

/** The interval columns of a metric column: its lower and upper bound. */
export const intervalColumns = (column: string): readonly [string, string] => [`${column}_lo`, `${column}_hi`];
/** The spread column of a metric column in a table with `seeds:`. */
export const sdColumn = (column: string): string => `${column}_sd`;

/**
 * The row's value of every non-text column from its records' values: each plain metric aggregated
 * (null unless every record has a value; an optional metric: over the records that have one, null
 * when none does), then each derived metric combined from those.
 */
export function columnValues(records: readonly Values[], metrics: readonly MetricColumn[], reg: Registries): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const m of metrics) {
    if (m.from || m.text) continue;
    const xs: number[] = [];
    for (const r of records) {
      const v = r[m.column];
      if (v !== null && v !== undefined) xs.push(v);
    }
    const complete = m.optional ? xs.length > 0 : records.length > 0 && xs.length === records.length;
    values[m.column] = complete ? aggregate(m.aggregate ?? 'mean', xs) : null;
  }
  for (const m of metrics) {
    if (!m.from) continue;
    const inputs = m.from.map((col) => values[col] ?? null);
    const combine = reg.metrics.get(m.id)?.derive?.combine;
    values[m.column] = combine && inputs.every((v) => v !== null) ? combine(inputs as number[]) : null;
  }
  return values;
}

export interface Interval {
  readonly lo: number | null;
  readonly hi: number | null;
}

/** Percentile bootstrap interval of every printed numeric column of a row, seeded by the spec's seed and the row. */
export function rowIntervals(records: readonly Values[], metrics: readonly MetricColumn[], reg: Registries, seed: number, stream: string): Record<string, Interval> {
  const cols = metrics.filter((m) => !m.text && !m.status);
  const ivs = bootstrapIntervals(records.length, cols.length, (idx) => {
    const v = columnValues(Array.from(idx, (i) => records[i]!), metrics, reg);
    return cols.map((m) => v[m.column] ?? Number.NaN);
  }, { seed, stream });
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return Object.fromEntries(cols.map((m, i) => [m.column, { lo: finite(ivs[i]!.lo), hi: finite(ivs[i]!.hi) }]));
}

/**
 * Records repeated over seeds → one value per record and column: the mean over seeds (null when a seed
 * lacks the record or its value), in the first seed's record order.
 */
export function seedAveraged(groups: readonly (readonly { id: string; values: Values }[])[]): Values[] {
  const byId = groups.map((g) => new Map(g.map((r) => [r.id, r.values])));
  return (groups[0] ?? []).map((r) => {
    const out: Record<string, number | null> = {};
    for (const col of Object.keys(r.values)) {
      const xs = byId.map((m) => m.get(r.id)?.[col] ?? null);
      out[col] = xs.every((x) => x !== null) ? mean(xs as number[]) : null;
    }
    return out;
  });
}

/** Per column, the mean and the sample sd over the seeds' row values (null when a seed has none). */
export function overSeeds(perSeed: readonly Record<string, number | null>[]): { values: Record<string, number | null>; sd: Record<string, number | null> } {
  const values: Record<string, number | null> = {};
  const sd: Record<string, number | null> = {};
  for (const col of Object.keys(perSeed[0] ?? {})) {
    const xs = perSeed.map((v) => v[col] ?? null);
    const ok = xs.every((x) => x !== null && Number.isFinite(x));
    values[col] = ok ? mean(xs as number[]) : null;
    sd[col] = ok && xs.length > 1 ? sampleSd(xs as number[]) : null;
  }
  return { values, sd };
}
