// One cell: (model → for each record group: apply editor → evaluate metrics via the Scorer → undo)
// under its protocol (BRIEF "Protocols"). Single: one request per edit, evaluated, undone. Batch:
// `size` requests in one edit call. Sequential: T requests edited in order without undo, all T
// evaluated on the final model, then undone in reverse order. Editors only edit; metrics only
// score; this function is where the two meet (STYLE anti-pattern 5).
import type { CellEditor, CellRecord, EditCost, LoadedModel, MetricEntry } from '../registries';
import type { MetricUse, Protocol } from '../experiment-spec/types';

/** A metric column to fill: the registry entry and how the spec uses it. */
export interface BoundMetric {
  readonly use: MetricUse;
  readonly entry: MetricEntry;
}

export interface RecordResult {
  readonly id: string;
  /** Metric column → value; null when the metric produced a non-finite number. */
  readonly values: Record<string, number | null>;
  /** Text columns (generations), when the spec asks for any. */
  readonly texts?: Record<string, string>;
}

export interface CellOutput {
  readonly status: 'ok' | 'diverged' | 'failed' | 'unsupported';
  readonly error?: string;
  readonly records: readonly RecordResult[];
  /** Volatile measurements (never written into the CSV). */
  readonly timing: { readonly editMs: number; readonly evalMs: number };
}

/** Groups of records edited together before evaluation. */
export function groupsFor(records: readonly CellRecord[], p: Protocol): CellRecord[][] {
  const n = p.kind === 'sequential' ? p.T : p.kind === 'batch' ? p.size : 1;
  const out: CellRecord[][] = [];
  for (let i = 0; i < records.length; i += n) out.push(records.slice(i, i + n));
  return out;
}

export async function runCell(
  model: LoadedModel,
  editor: CellEditor,
  records: readonly CellRecord[],
  protocol: Protocol,
  metrics: readonly BoundMetric[],
  prepareMs = 0,
): Promise<CellOutput> {
  const results: RecordResult[] = [];
  let editMs = 0;
  let evalMs = 0;
  const divergence: string[] = [];
  const evaluate = async (group: readonly CellRecord[], when: 'before' | 'after', into: Map<string, Record<string, number | null>>) => {
    for (const r of group) {
      const values = into.get(r.id) ?? {};
      for (const { use, entry } of metrics) {
        if (!entry.evaluate || (entry.when ?? 'after') !== when) continue;
        const v = await entry.evaluate(model.scorer, r, use.params);
        if (!Number.isFinite(v)) divergence.push(`metric ${use.column} is ${v} on record ${r.id}`);
        values[use.column] = Number.isFinite(v) ? v : null;
      }
      into.set(r.id, values);
    }
  };
  for (const group of groupsFor(records, protocol)) {
    const undos: Array<() => void> = [];
    const values = new Map<string, Record<string, number | null>>();
    const texts = new Map<string, Record<string, string>>();
    const costs = new Map<string, EditCost>();
    try {
      const tb = performance.now();
      await evaluate(group, 'before', values);
      evalMs += performance.now() - tb;
      const t0 = performance.now();
      const calls = protocol.kind === 'sequential' ? group.map((r) => [r]) : [group];
      for (const call of calls) {
        const res = await editor.apply(model, call.map((r) => r.request));
        undos.push(res.undo);
        const s = res.stats;
        for (const r of call) costs.set(r.id, { editMs: s.wallMs / call.length, extraParams: s.extraParams ?? 0, extraBytes: s.extraBytes ?? 0, prepareMs });
        for (const [name, series] of Object.entries(res.stats.losses ?? {})) {
          if (series.some((x) => !Number.isFinite(x))) divergence.push(`non-finite ${name} loss editing record ${call[0]!.id}`);
        }
      }
      const t1 = performance.now();
      await evaluate(group, 'after', values);
      for (const r of group) {
        for (const { use, entry } of metrics) {
          if (entry.fromCost) values.get(r.id)![use.column] = entry.fromCost(costs.get(r.id)!);
          if (entry.text) texts.set(r.id, { ...texts.get(r.id), [use.column]: await entry.text(model.scorer, r, use.params) });
        }
      }
      for (const r of group) results.push({ id: r.id, values: values.get(r.id)!, ...(texts.has(r.id) ? { texts: texts.get(r.id)! } : {}) });
      editMs += t1 - t0;
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
