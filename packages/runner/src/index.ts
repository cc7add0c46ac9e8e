// @editlab/runner: YAML spec → validated spec → task graph → cached cell runs → table CSVs.
export { RunnerError, SpecError, UsageError, formatDiagnostic } from './errors';
export type { RunnerErrorCode, SourcePos, SpecDiagnostic } from './errors';
export { byId } from './registries';
export type {
  CellEditor, CellRecord, DatasetEntry, EditRequest, EditResult, EntryBase, JsonSchema, LoadedModel,
  MethodEntry, MetricEntry, ModelEntry, PrepareStage, Registries, RunContext, Scorer,
} from './registries';
export { buildSchema, SCHEMA_ID } from './spec/schema';
export { loadSpec } from './spec/load';
export { validateSpec } from './spec/validate';
export type { Spec, Protocol, ModelItem, DatasetItem, MethodItem } from './spec/types';
export { buildPlan, shardCells } from './plan/graph';
export type { Plan, PlanTask, CellTask, RowPlan, RowKeys } from './plan/graph';
export { runPlan } from './exec/run';
export type { RunOptions, RunResult, RendererName } from './exec/run';
export { TaskCache } from './exec/cache';
export type { CellOutput } from './exec/cell';
export { renderTable, tableDoc, formatNumber } from './report/table';
export type { TableDoc, RenderedTable, RowResult } from './report/table';
export { checkSpec, planExperiment, runExperiment, mergeShards, defaultWorkspace } from './experiment';
export type { Workspace, Prepared, ShardFile, ExperimentResult } from './experiment';
export { canonicalJson, contentKey } from './util/json';
export type { JsonValue, JsonObject } from './util/json';
