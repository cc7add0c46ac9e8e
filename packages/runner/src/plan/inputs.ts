// The reading half of planning: everything the plan's keys depend on that lives in files (model
// fingerprints, dataset records, the environment), read once in spec order. `planFromInputs`
// (./graph.ts) builds the plan from it without touching a file.
import type { CellRecord, Registries, RunContext } from '../registries';
import { RunnerError } from '../errors';
import { applyDefaults } from '../experiment-spec/validate';
import { corpusKey } from './corpus';
import type { Spec } from '../experiment-spec/types';
import { expandAxis } from './expand';
import type { AxisVariant } from './expand';
import { planFromInputs } from './graph';
import type { Plan, PlanInputs } from './graph';

export async function gatherPlanInputs(spec: Spec, reg: Registries, specDir: string): Promise<PlanInputs> {
  const environment = await reg.environment();
  const ctx: RunContext = { seed: spec.seed, specDir };
  const models: PlanInputs['models'][number][] = [];
  for (const variant of expandAxis(spec.models)) {
    const entry = reg.models.get(variant.id)!;
    const about = entry.about?.(variant.params, ctx);
    models.push({ variant, fingerprint: await entry.fingerprint(variant.params, ctx), corpus: corpusKey(variant, ctx), ...(about ? { about } : {}) });
  }
  const datasets: PlanInputs['datasets'][number][] = [];
  for (const variant of expandAxis(spec.datasets)) {
    const all = await reg.datasets.get(variant.id)!.load(variant.params, ctx);
    const records = spec.run.limit === undefined ? all : all.slice(0, spec.run.limit);
    datasets.push({ variant, records, ...(variant.retain ? { retain: await loadRetain(variant, reg, ctx) } : {}) });
  }
  return { specDir, environment, models, datasets };
}

/** A dataset item's retain set: a split of its own dataset, or another registered dataset. */
async function loadRetain(d: AxisVariant, reg: Registries, ctx: RunContext): Promise<CellRecord[]> {
  const r = d.retain!;
  if (r.split !== undefined) {
    const entry = reg.datasets.get(d.id)!;
    if (!entry.loadSplit) throw new RunnerError('DATA', `dataset '${d.id}' has no splits (retain: { split: ${r.split} })`);
    return entry.loadSplit(r.split, d.params, ctx);
  }
  const entry = reg.datasets.get(r.dataset!)!;
  return entry.load(applyDefaults(entry.paramsSchema, r.params ?? {}), ctx);
}

/** Read the spec's inputs, then plan. */
export async function buildPlan(spec: Spec, reg: Registries, specDir: string): Promise<Plan> {
  return planFromInputs(spec, reg, await gatherPlanInputs(spec, reg, specDir));
}
