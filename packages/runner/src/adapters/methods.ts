// Method registry entries over the engine's methods (packages/engine/src/methods): each MethodDef becomes
// a runner MethodEntry, one for one — its schema, the request kinds it accepts, its prepare stages (e.g.
// the ForGet family's EAP-IG locating, declared in the engine) and its shape check. The runner knows no
// method by name: it runs whatever stages a method declares and hands their artifacts back by name.
import type { MethodDef, PrepareStage as EngineStage, Request as EngineRequest, TuningRecord as EngineTuningRecord } from '@editlab/engine';
import type { JsonSchema, MethodEntry, PrepareStage } from '../registries';
import type { JsonValue } from '../util/json';
import type { EngineModel } from './engine';

function stageEntry(s: EngineStage): PrepareStage {
  return {
    name: s.name,
    reads: s.reads,
    inputs: (params) => (s.inputs(params) ?? null) as JsonValue,
    async run(model, params, ctx, input) {
      const value = await s.run(model.model as EngineModel, params, {
        seed: ctx.seed, dir: ctx.dir,
        ...(ctx.yieldPoint ? { progress: (done: number, total: number) => ctx.yieldPoint!({ step: 'train', index: done, total }) } : {}),
        ...(input.records ? { records: input.records as readonly EngineRequest[] } : {}),
        ...(input.tuning ? { tuning: input.tuning as readonly EngineTuningRecord[] } : {}),
        ...(input.corpus ? { corpus: input.corpus } : {}),
      });
      return value as JsonValue;
    },
  };
}

export function methodEntry(def: MethodDef): MethodEntry {
  return {
    id: def.id,
    version: def.version,
    description: def.description,
    paramsSchema: def.paramsSchema as JsonSchema,
    accepts: def.accepts,
    ...(def.maxBatch !== undefined ? { maxBatch: def.maxBatch } : {}),
    stages: def.stages.map(stageEntry),
    check: (params, shape) => def.check(params, shape),
    create(params, ctx) {
      const methodCtx = { seed: ctx.seed, prepared: ctx.prepared, ...(ctx.retain ? { retain: ctx.retain as readonly EngineRequest[] } : {}) };
      return {
        async apply(model, requests) {
          return def.apply(model.model as EngineModel, requests as readonly EngineRequest[], params, methodCtx);
        },
      };
    },
  };
}
