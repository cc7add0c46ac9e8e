// @editlab/runner: YAML spec → validated spec → task graph → cached cell runs → table CSVs.
export { RunnerError, SpecError, UsageError, formatDiagnostic } from './errors';
export type { RunnerErrorCode, SourcePos, SpecDiagnostic } from './errors';
export { byId } from './registries';
export type {
  CellEditor, CellRecord, DataInspector, DataReport, DatasetEntry, EditCost, EditRequest, EditResult, EntryBase,
  JsonSchema, LoadedModel, MalformedRecord, MethodEntry, MetricEntry, ModelEntry, PrepareStage, Registries, RunContext, Scorer,
  ForgetRequest, ModelShape, ParamProblem, PreparedValue, Request, RequestKind, StageInput,
} from './registries';
export { COST_METRICS, withBuiltins } from './builtin-metrics';
export { defaultRegistries } from './defaults';
export { loadedEngineModel } from './adapters/engine';
export { checkpointModel, embeddedModel, checkpointHash } from './adapters/models';
export { datasetInspector } from './adapters/datasets';
export type { EngineModel } from './adapters/engine';
export { main } from './cli/main';
export type { Io } from './cli/io';
export { buildSchema, SCHEMA_ID } from './experiment-spec/schema';
export { loadSpec } from './experiment-spec/load';
export { validateSpec } from './experiment-spec/validate';
export type { Spec, Protocol, ModelItem, DatasetItem, MethodItem, MetricItem, MetricUse, PlotItem } from './experiment-spec/types';
export { planFromInputs, isExecutedStage, shardCells } from './plan/graph';
export { buildPlan, gatherPlanInputs } from './plan/inputs';
export type { Plan, PlanInputs, PlanTask, StageTask, ModelTask, DatasetTask, PrepareTask, CellTask, RowPlan, RowKeys } from './plan/graph';
export { runPlan } from './exec/run';
export type { RunOptions, RunResult, RendererName } from './exec/run';
export { TaskCache } from './exec/cache';
export type { CellOutput } from './exec/cell';
export { renderTable, tableDoc, formatNumber } from './report/table';
export type { TableDoc, RenderedTable, RowResult } from './report/table';
export { diffTables, formatDiff, readCsv, parseCsv } from './report/diff';
export type { TableDiff, RowDiff, MetricDelta, CsvTable } from './report/diff';
export { comparePortable, recomputeOnJsPath, PORTABLE_TOLERANCE } from './report/portable';
export type { PortableReport, PortableRun } from './report/portable';
export { plotSpec, renderSvg } from './report/plot';
export type { PlotKind, PlotOptions } from './report/plot';
export { fetchDataset, SOURCES } from './data/fetch';
export type { DatasetSource, RemoteFile } from './data/fetch';
export { checkSpec, planExperiment, runExperiment, mergeShards, defaultWorkspace } from './experiment';
export type { Workspace, Prepared, ShardFile, ExperimentResult } from './experiment';
export { canonicalJson, contentKey } from './util/json';
export type { JsonValue, JsonObject } from './util/json';
// Pretraining of the embedded default models (src/pretrain/).
export { pretrainDefault, defaultParts } from './pretrain/default-parts';
export { pretrainWith } from './pretrain/pipeline';
export type { PretrainOptions, PretrainResult } from './pretrain/pipeline';
export type { PretrainParts, TrainedTokenizer } from './pretrain/parts';
export { MODEL_PRESETS, DEFAULT_MODEL_NAMES, DEFAULT_WORLD, PRESET_SETS, PRESET_SET_NAMES, modelPreset } from './pretrain/presets';
export type { DefaultModelName, ModelPreset, PresetSet, PresetSetName } from './pretrain/presets';
export { contextWindow, MEASURED_LENGTHS, V2_WINDOW } from './pretrain/window';
export { readProvenance, sourceFromProvenance, PROVENANCE_FILE } from './pretrain/provenance';
export { finetunePistol } from './pretrain/finetune';
export type { PistolFinetuneOptions, PistolFinetuneResult } from './pretrain/finetune';
export type { Provenance } from './pretrain/provenance';
