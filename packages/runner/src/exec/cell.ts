// One cell: (model → for each record group: apply editor → evaluate metrics via the Scorer → undo)
// under its protocol (docs/metrics.md "Protocols"; experiment-spec/protocol.ts). Single: one
// request per edit, evaluated, undone. Batch: `size` requests in one edit call. Sequential: T
// requests edited in order without undo, all T evaluated on the final model (and, with `evalEach`,
// each right after its own edit), then undone in reverse order. Unlearn: the whole forget set, in
// one call or as sequential or batched calls, optionally with `merge` forget questions per request
// (query merging, ./merge.ts). Editors only edit; metrics only score; this function
// is where the two meet (docs/definitions.md §4).
import type { CellEditor, CellRecord, EditCost, LoadedModel, MetricEntry, MetricSplit, Scorer } from '../registries';
import type { MetricUse, Protocol } from '../experiment-spec/types';
import { eachColumn, editCalls, editGroups, evaluatesEach, mergeGroups } from '../experiment-spec/protocol';
import { checkMergedFits, mergeRequests } from './merge';
import { yieldPoint, type YieldPoint } from './yield';
import type { LongRecords } from './long-records';
import { withTensorPeak } from './tensor-peak';

/** A metric column to fill: the registry entry and how the spec uses it. */
export interface BoundMetric {
  readonly use: MetricUse;
  readonly entry: MetricEntry;
}

export interface RecordResult {
  readonly id: string;
  /** Metric column → value; null when the metric produced a non-finite number. With `evalEach`,
   *  `<column>@each` holds the value measured right after the record's own edit. */
  readonly values: Record<string, number | null>;
  /** Text columns (generations), when the spec asks for any. */
  readonly texts?: Record<string, string>;
}

export interface CellOutput {
  readonly status: 'ok' | 'diverged' | 'failed' | 'unsupported';
  readonly error?: string;
  readonly records: readonly RecordResult[];
  /** Records left out because a sequence of theirs exceeds the model's context window (./long-records.ts). */
  readonly skipped?: LongRecords;
  /** Volatile measurements (never written into the CSV). */
  readonly timing: { readonly editMs: number; readonly evalMs: number };
}

/** What a cell's method precomputed in its shared stages: wall time (ms) and the bytes kept. */
export interface PrepareCost {
  readonly ms: number;
  readonly bytes: number;
}
const NO_PREPARE: PrepareCost = { ms: 0, bytes: 0 };

/** Whether a metric is measured by scoring the model (not read from the edit's cost, not text). */
const scored = (e: MetricEntry) => e.probe !== undefined || e.evaluate !== undefined || e.model !== undefined;

/**
 * The values of `metrics` on one record, on the model as it is now. Each record evaluator runs once,
 * for the union of the splits of the metrics that read it; every metric then reads its value from
 * that result (a metric with its own `evaluate` computes it on its own).
 */
export async function metricValues(scorer: Scorer, record: CellRecord, metrics: readonly BoundMetric[]): Promise<Record<string, number>> {
  const splits = new Map<string, Set<MetricSplit>>();
  for (const { entry } of metrics) {
    if (!entry.probe) continue;
    const set = splits.get(entry.probe.evaluator.id) ?? new Set<MetricSplit>();
    if (entry.split) set.add(entry.split);
    splits.set(entry.probe.evaluator.id, set);
  }
  const results = new Map<string, Promise<unknown>>();
  const out: Record<string, number> = {};
  for (const { use, entry } of metrics) {
    if (entry.probe) {
      const ev = entry.probe.evaluator;
      let result = results.get(ev.id);
      if (!result) {
        result = ev.evaluate(scorer, record, splits.get(ev.id)!);
        results.set(ev.id, result);
      }
      out[use.column] = entry.probe.read(await result, record, use.params);
    } else if (entry.evaluate) {
      out[use.column] = await entry.evaluate(scorer, record, use.params);
    }
  }
  return out;
}

export async function runCell(
  model: LoadedModel,
  editor: CellEditor,
  records: readonly CellRecord[],
  protocol: Protocol,
  metrics: readonly BoundMetric[],
  /** The method's shared stages: their wall time and the bytes they keep (the `prepare-*` cost metrics). */
  prepare: PrepareCost = NO_PREPARE,
  /** Called before each edit call and each record's evaluation (./yield.ts): the event loop gets a
   *  turn there, the display learns where the cell is, and an aborted run abandons the cell (its
   *  edits are undone as it unwinds). */
  at: YieldPoint = yieldPoint(),
): Promise<CellOutput> {
  const results: RecordResult[] = [];
  const position = new Map(records.map((r, i) => [r, i]));
  const step = (s: 'edit' | 'eval', r: CellRecord) => at({ step: s, index: position.get(r)!, total: records.length });
  let editMs = 0;
  let evalMs = 0;
  const divergence: string[] = [];
  const phase = (when: 'before' | 'after') => metrics.filter(({ entry }) => scored(entry) && (entry.when ?? 'after') === when);
  /** Columns whose records may have no value (MetricEntry.optional). */
  const optional = new Set(metrics.filter(({ entry }) => entry.optional).map(({ use }) => use.column));
  const before = phase('before');
  const after = phase('after');
  const textPhase = (when: 'before' | 'after') => metrics.filter(({ entry }) => entry.text && (entry.when ?? 'after') === when);
  const textsBefore = textPhase('before');
  const textsAfter = textPhase('after');
  /** The text columns `bound` of each record of `group` (generations), on the model as it is now. */
  const writeTexts = async (group: readonly CellRecord[], bound: readonly BoundMetric[], into: Map<string, Record<string, string>>) => {
    if (!bound.length) return;
    for (const r of group) {
      await step('eval', r);
      for (const { use, entry } of bound) into.set(r.id, { ...into.get(r.id), [use.column]: await entry.text!(model.scorer, r, use.params) });
    }
  };
  /** Evaluate `bound` on each record of `group`, into its values under `column(name)`; a model-level
   *  metric once, on the model as it is now, its value every record's. */
  const evaluate = async (group: readonly CellRecord[], bound: readonly BoundMetric[], into: Map<string, Record<string, number | null>>, column = (c: string) => c) => {
    const t = performance.now();
    const perModel: Record<string, number> = {};
    for (const { use, entry } of bound.filter((b) => b.entry.model)) {
      await step('eval', group[0]!);
      perModel[use.column] = await entry.model!(model.scorer, use.params);
    }
    const perRecord = bound.filter((b) => !b.entry.model);
    for (const r of group) {
      await step('eval', r);
      const values = into.get(r.id) ?? {};
      for (const [name, v] of Object.entries({ ...(await metricValues(model.scorer, r, perRecord)), ...perModel })) {
        if (!Number.isFinite(v) && !optional.has(name)) divergence.push(`metric ${column(name)} is ${v} on record ${r.id}`);
        values[column(name)] = Number.isFinite(v) ? v : null;
      }
      into.set(r.id, values);
    }
    const ms = performance.now() - t;
    evalMs += ms;
    return ms;
  };
  for (const group of editGroups(records, protocol)) {
    const undos: Array<() => void> = [];
    const values = new Map<string, Record<string, number | null>>();
    const texts = new Map<string, Record<string, string>>();
    const costs = new Map<string, EditCost>();
    try {
      if (before.length) await evaluate(group, before, values);
      if (textsBefore.length) await writeTexts(group, textsBefore, texts);
      const t0 = performance.now();
      let eachMs = 0;
      for (const call of editCalls(group, protocol)) {
        await step('edit', call[0]!);
        // Query merging (`merge`, ./merge.ts): each run of `merge` records is one request.
        const requests = mergeGroups(call, protocol).map((rs) => {
          const request = mergeRequests(rs.map((r) => r.request));
          checkMergedFits(request, rs.map((r) => r.id), model.window, (t) => model.scorer.tokenize(t));
          return request;
        });
        // The engine's apply() does its work synchronously inside the call (the adapter's promise only
        // wraps the result), so the peak is observed around the call itself, with no other cell interleaved.
        const { result: pending, peakBytes } = withTensorPeak(() => editor.apply(model, requests));
        const res = await pending;
        undos.push(res.undo);
        const s = res.stats;
        for (const r of call) {
          costs.set(r.id, { editMs: s.wallMs / call.length, extraParams: s.extraParams ?? 0, extraBytes: s.extraBytes ?? 0, prepareMs: prepare.ms, prepareBytes: prepare.bytes, peakTensorBytes: peakBytes });
        }
        for (const [name, series] of Object.entries(res.stats.losses ?? {})) {
          if (series.some((x) => !Number.isFinite(x))) divergence.push(`non-finite ${name} loss editing record ${call[0]!.id}`);
        }
        if (evaluatesEach(protocol)) eachMs += await evaluate(call, after, values, eachColumn);
      }
      editMs += performance.now() - t0 - eachMs;
      await evaluate(group, after, values);
      const t1 = performance.now();
      for (const r of group) {
        const v = values.get(r.id) ?? {};
        for (const { use, entry } of metrics) {
          if (entry.fromCost) v[use.column] = entry.fromCost(costs.get(r.id)!);
        }
        values.set(r.id, v);
      }
      await writeTexts(group, textsAfter, texts);
      for (const r of group) results.push({ id: r.id, values: values.get(r.id) ?? {}, ...(texts.has(r.id) ? { texts: texts.get(r.id)! } : {}) });
      evalMs += performance.now() - t1;
    } finally {
      for (const undo of undos.reverse()) undo();
    }
  }
  return {
    status: divergence.length ? 'diverged' : 'ok',
    ...(divergence.length ? { error: divergence.slice(0, 3).join('; ') + (divergence.length > 3 ? ` (+${divergence.length - 3} more)` : '') } : {}),
    records: results,
    timing: { editMs, evalMs },
  };
}
