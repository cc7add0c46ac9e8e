// The reading half of planning: everything the plan's keys depend on that lives in files (model
// fingerprints, dataset records, the environment), read once in spec order. `planFromInputs`
// (./graph.ts) builds the plan from it without touching a file.
import type { Registries, RunContext } from '../registries';
import type { Spec } from '../experiment-spec/types';
import { expandAxis } from './expand';
import { planFromInputs } from './graph';
import type { Plan, PlanInputs } from './graph';

export async function gatherPlanInputs(spec: Spec, reg: Registries, specDir: string): Promise<PlanInputs> {
  const environment = await reg.environment();
  const ctx: RunContext = { seed: spec.seed, specDir };
  const models: PlanInputs['models'][number][] = [];
  for (const variant of expandAxis(spec.models)) {
    models.push({ variant, fingerprint: await reg.models.get(variant.id)!.fingerprint(variant.params, ctx) });
  }
  const datasets: PlanInputs['datasets'][number][] = [];
  for (const variant of expandAxis(spec.datasets)) {
    datasets.push({ variant, records: await reg.datasets.get(variant.id)!.load(variant.params, ctx) });
  }
  return { specDir, environment, models, datasets };
}

/** Read the spec's inputs, then plan. */
export async function buildPlan(spec: Spec, reg: Registries, specDir: string): Promise<Plan> {
  return planFromInputs(spec, reg, await gatherPlanInputs(spec, reg, specDir));
}
