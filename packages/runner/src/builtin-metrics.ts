// Metrics every registry gets: the measured cost of editing (ForGet Table 5; docs/definitions.md §3), read
// from each edit's EditResult.stats, the tensor memory of its apply() call and the method's shared stages.
// Wall times are measured, so a fresh run gives other numbers: they are `volatile`, written to
// `<table>.timing.json` and not to the CSV. Bytes and parameter counts are deterministic and go to the CSV.
import type { MetricEntry, Registries } from './registries';

export const COST_METRICS: readonly MetricEntry[] = [
  { id: 'edit-ms', version: '1', higherIsBetter: false, digits: 1, volatile: true, description: 'wall time per edited request (ms; volatile: in <table>.timing.json)', fromCost: (c) => c.editMs },
  { id: 'extra-params', version: '1', higherIsBetter: false, digits: 0, description: 'parameters the method keeps besides the model', fromCost: (c) => c.extraParams },
  { id: 'extra-bytes', version: '1', higherIsBetter: false, digits: 0, description: 'bytes the method keeps besides the model', fromCost: (c) => c.extraBytes },
  { id: 'prepare-ms', version: '1', higherIsBetter: false, digits: 0, volatile: true, description: 'wall time of the method\'s shared precomputation (statistics, locating, auxiliary training; volatile: in <table>.timing.json)', fromCost: (c) => c.prepareMs },
  { id: 'prepare-bytes', version: '1', higherIsBetter: false, digits: 0, description: 'bytes the method\'s shared precomputation keeps (stage values and artifact files: key statistics, located circuits, trained side models)', fromCost: (c) => c.prepareBytes },
  { id: 'peak-tensor-bytes', version: '1', higherIsBetter: false, digits: 0, aggregate: 'max', description: 'peak bytes of live tensors during an edit above those live before it (the largest over the row\'s edits; JS arrays not counted)', fromCost: (c) => c.peakTensorBytes },
];

const extended = new WeakMap<Registries, Registries>();

/** The registries plus the built-in cost metrics (an entry of the same id in `reg` wins). */
export function withBuiltins(reg: Registries): Registries {
  if (COST_METRICS.every((m) => reg.metrics.has(m.id))) return reg;
  let out = extended.get(reg);
  if (!out) {
    const metrics = new Map(reg.metrics);
    for (const m of COST_METRICS) if (!metrics.has(m.id)) metrics.set(m.id, m);
    out = { ...reg, metrics, environment: () => reg.environment() };
    extended.set(reg, out);
  }
  return out;
}
