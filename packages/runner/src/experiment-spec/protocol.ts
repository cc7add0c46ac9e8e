// What a protocol means for execution, in one place (docs/metrics.md "Protocols"): how many records
// are edited together before evaluation (the unit a cell's records come in), how those records are
// split into apply() calls, and the column of the per-edit values of `sequential` with `evalEach`.
import type { Protocol } from './types';

/** Records edited together before they are evaluated: 1, the batch, T, or the whole forget set. */
export function groupSize(p: Protocol, total: number): number {
  switch (p.kind) {
    case 'single':
      return 1;
    case 'batch':
      return p.size;
    case 'sequential':
      return p.T;
    case 'unlearn':
      return Math.max(1, total);
  }
}

/**
 * Records per cell task: the spec's `run.chunk` rounded up to whole groups, so no group spans two
 * cells. An unlearning cell holds the dataset's whole forget set (`total` records).
 */
export function chunkSize(chunk: number, p: Protocol, total: number): number {
  if (p.kind === 'unlearn') return groupSize(p, total);
  const unit = groupSize(p, total);
  return Math.ceil(chunk / unit) * unit;
}

/** Forget requests merged into one edit request (query merging, `merge`; 1: none). */
export function mergeSize(p: Protocol): number {
  return p.kind === 'unlearn' ? p.merge ?? 1 : 1;
}

/** Edit requests that `records` records become under `p`: one each, or one per `merge` of them. */
export function requestCount(p: Protocol, records: number): number {
  return Math.ceil(records / mergeSize(p));
}

/** Requests per apply() call (the batch a method must accept; `MethodEntry.maxBatch` is checked against it). */
export function requestsPerCall(p: Protocol, total: number): number {
  switch (p.kind) {
    case 'single':
    case 'sequential':
      return 1;
    case 'batch':
      return p.size;
    case 'unlearn':
      return p.apply === 'sequential' ? 1 : p.apply === 'batch' ? p.size ?? 1 : Math.max(1, total);
  }
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** A cell's records as the groups edited together before evaluation. */
export function editGroups<T>(records: readonly T[], p: Protocol): T[][] {
  return chunks(records, groupSize(p, records.length));
}

/**
 * One group's records as consecutive apply() calls, applied in order without undo in between. With
 * `merge`, a call holds the records of its requests (`merge` records each; mergedRequests makes them).
 */
export function editCalls<T>(group: readonly T[], p: Protocol): T[][] {
  const m = mergeSize(p);
  return chunks(group, requestsPerCall(p, requestCount(p, group.length)) * m);
}

/** One call's records as the groups merged into one request each (`merge` consecutive records; the last may be shorter). */
export function mergeGroups<T>(call: readonly T[], p: Protocol): T[][] {
  return chunks(call, mergeSize(p));
}

/** Sequential editing with `evalEach`: every metric is also evaluated right after each edit. */
export function evaluatesEach(p: Protocol): boolean {
  return p.kind === 'sequential' && p.evalEach === true;
}

/** The column of a metric's values measured right after each record's own edit (`evalEach`). */
export function eachColumn(column: string): string {
  return `${column}@each`;
}
