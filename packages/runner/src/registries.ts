// The runner's narrow view of everything it orchestrates. The schema is assembled from these
// entries (each carries its own JSON Schema), the planner keys tasks by their versions, and the
// executor calls them. The real entries (engine methods and models, datasets loaders, metrics)
// are adapted onto these interfaces in `defaults.ts`; tests use fakes.
import type { JsonObject, JsonValue } from './util/json';
import type { CellStep } from './exec/yield';

// Structural mirrors of engine's EditRequest/EditResult and metrics' Scorer (packages/engine/src/
// methods/editor.ts, packages/metrics/src/scorer.ts): the real objects satisfy them, and the runner
// does not depend on more of those packages than it calls.

export interface EditRequest {
  /** Absent means 'rewrite'. */
  readonly kind?: 'rewrite';
  readonly prompt: string;
  readonly subject: string;
  readonly targetNew: string;
  readonly targetTrue?: string;
  readonly relationId?: string;
  readonly trainPrompts?: readonly string[];
}

/** Knowledge to remove (engine ForgetRequest): editing methods rewrite it toward the refusal. */
export interface ForgetRequest {
  readonly kind: 'forget';
  readonly question: string;
  readonly answer: string;
  readonly subject?: string;
  readonly rephrasings?: readonly string[];
  readonly refusal?: string;
  /** The pool `refusal` was drawn from (IDK and DPO draw from it per example and epoch). */
  readonly refusals?: readonly string[];
}

export type Request = EditRequest | ForgetRequest;
export type RequestKind = 'rewrite' | 'forget';

/** What a method's hyper-parameters may refer to (engine ModelShape): known at validate time. */
export interface ModelShape {
  readonly arch: string;
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dMlp: number;
  readonly vocab: number;
  readonly window: number;
  /** 'gpt2', 'llama', 'qwen2', 'mistral': the column of a paper a default rule follows (docs/defaults.md). */
  readonly family?: string;
  /** The traced edit layer of the checkpoint's model card (pretrain/edit-layer.ts), when it has one. */
  readonly editLayer?: number;
}

/** The rewrite request of a record, or a clear error naming `who` when it is a forget request. */
export function rewriteOf(r: Request, who = 'this'): EditRequest {
  if (r.kind === 'forget') throw new Error(`${who}: expects fact-rewrite requests, got a forget request (question ${JSON.stringify(r.question)})`);
  return r;
}

export interface EditResult {
  readonly undo: () => void;
  readonly stats: {
    readonly wallMs: number;
    readonly extraParams?: number;
    readonly extraBytes?: number;
    readonly losses?: Readonly<Record<string, readonly number[]>>;
  };
}

export interface Scorer {
  score(requests: readonly { prompt: string; continuation: string }[]): Promise<{ id: number; logprob: number; rank: number }[][]>;
  generate(prompts: readonly string[], options: { maxNewTokens: number; topK?: number; seed?: number; stop?: readonly string[] }): Promise<string[]>;
  tokenize(text: string): number[];
}

export type JsonSchema = { [key: string]: JsonValue };

/** What every registry entry shares: a stable id, a version that enters cache keys, a schema. */
export interface EntryBase {
  readonly id: string;
  /** Bump whenever the entry's behaviour changes: it is part of every task key that uses it. */
  readonly version: string;
  readonly description?: string;
  /** JSON Schema (draft 2020-12) of `params`; properties should carry defaults. */
  readonly paramsSchema: JsonSchema;
  /** Params that name a file or directory ('any': either) relative to the spec: `validate` checks that they exist. */
  readonly paths?: Readonly<Record<string, 'file' | 'directory' | 'any'>>;
}

export interface RunContext {
  readonly seed: number;
  /** Directory of the spec file that named this entry: relative paths resolve against it. */
  readonly specDir: string;
  /** Given to a running stage: await it between units of long work (e.g. per relation located, per slice of
   *  training steps, saying where: `{ step: 'train', index: done, total }`) so the event loop gets a turn and
   *  the display shows it; it rejects once the run is aborted (runner exec/yield.ts). */
  readonly yieldPoint?: (at?: CellStep) => Promise<void>;
}

/** A model in memory. `model` is whatever the method entries of the same registries understand. */
/** A model's context window: the longest sequence it takes, and whether every sequence starts with BOS. */
export interface ContextWindow {
  readonly tokens: number;
  readonly bos: boolean;
}

export interface LoadedModel {
  readonly scorer: Scorer;
  readonly model: unknown;
  /** Its context window; records whose sequences exceed it are left out of a cell (exec/long-records.ts). */
  readonly window?: ContextWindow;
  dispose(): void;
}

/**
 * A shared stage that makes the model before it can be loaded (pretrain, finetune on PISTOL …).
 * It writes its artifacts under `dir` (inside the task cache, keyed like every task) and returns a
 * JSON value (e.g. the checkpoint path and hash) that `load` receives as `built`.
 */
export interface ModelBuildStage {
  readonly name: string;
  run(params: JsonObject, ctx: RunContext & { readonly dir: string }): Promise<JsonValue>;
}

export interface ModelEntry extends EntryBase {
  /** Content identity of the weights (e.g. the checkpoint's sha256); enters every downstream key. */
  fingerprint(params: JsonObject, ctx: RunContext): Promise<JsonValue>;
  /** The model's shape without loading its weights (config.json), so validate can check method params. */
  shape?(params: JsonObject, ctx: RunContext): ModelShape;
  /** The text a `reads: corpus` stage reads when the spec's model item names no `corpus:` file (the
   *  embedded models: their world's pretraining corpus). Undefined: such a stage needs `corpus:`. */
  defaultCorpus?(params: JsonObject, ctx: RunContext): Promise<readonly string[]>;
  readonly build?: ModelBuildStage;
  /** What a table's meta records about the model beside its label (an embedded model: its preset set,
   *  world and weights hash), read at planning; not part of any key (the fingerprint is). */
  about?(params: JsonObject, ctx: RunContext): JsonObject;
  load(params: JsonObject, ctx: RunContext & { readonly built?: JsonValue }): Promise<LoadedModel>;
}

/** One evaluation unit: an edit request plus whatever probes the metrics read. */
export interface CellRecord {
  /** Stable id within its dataset (e.g. the case_id). */
  readonly id: string;
  readonly request: Request;
  /** Format-specific evaluation data (paraphrases, neighbourhood prompts, retain QA …). */
  readonly data: JsonValue;
}

export interface DatasetEntry extends EntryBase {
  /** The kind of request every record carries (default 'rewrite'); methods declare the kinds they accept. */
  readonly requestKind?: RequestKind;
  load(params: JsonObject, ctx: RunContext): Promise<CellRecord[]>;
  /** Named splits besides the evaluated records (e.g. 'retain'), for a spec's `retain: { split }`. */
  readonly splits?: readonly string[];
  loadSplit?(split: string, params: JsonObject, ctx: RunContext): Promise<CellRecord[]>;
  /**
   * Every record of the dataset, not only the evaluated slice (`load` applies n/offset): what a
   * stage with `reads: records` learns from (e.g. ForGet's per-relation locating batches). Default: load.
   */
  pool?(params: JsonObject, ctx: RunContext): Promise<CellRecord[]>;
  /**
   * The dataset's tuning split (subjects no benchmark file names): what a stage with `reads: tuning` trains
   * side models on (SERAC, LTE, RECIPE). Undefined: such a stage cannot run on this dataset.
   */
  tuning?(params: JsonObject, ctx: RunContext): Promise<TuningRecord[]>;
  /** Whether these params give the dataset a tuning split (absent: whenever `tuning` is defined); validate reads it. */
  hasTuning?(params: JsonObject): boolean;
  /**
   * A stage these params ask for that runs on each model before any edit and rewrites the records
   * (self-improvement: the model under edit writes each forget question's refusal target); undefined:
   * none. The plan keys it by model × dataset (plan/graph.ts TargetsTask).
   */
  targets?(params: JsonObject): RecordTargetStage | undefined;
}

/** A dataset's model-dependent stage (DatasetEntry.targets): run once per model × dataset, cached. */
export interface RecordTargetStage {
  /** Short name shown in the plan, e.g. "self-improve". */
  readonly name: string;
  /** The stage's value from the unedited model and the dataset's evaluated records. Its `targets`
   *  array, when it has one, is written beside the table (<table>.targets.csv, report/targets.ts). */
  run(model: LoadedModel, records: readonly CellRecord[], ctx: RunContext): Promise<JsonValue>;
  /** The records as the cells edit them, given the stage's value. */
  apply(records: readonly CellRecord[], value: JsonValue): CellRecord[];
}

/** A tuning-split record (engine TuningRecord): the edit and prompts inside and outside its scope. */
export interface TuningRecord {
  readonly request: Request;
  readonly paraphrases: readonly string[];
  readonly neighbours: readonly { readonly prompt: string; readonly target: string }[];
  /** The edited subject's other facts as prompts with answers (the synthetic world's tuning split has them). */
  readonly sameSubject?: readonly { readonly prompt: string; readonly target: string }[];
}

/** A method ready to edit: created once per cell with its resolved params. */
export interface CellEditor {
  apply(model: LoadedModel, requests: readonly Request[]): Promise<EditResult>;
}

/** What a prepare stage reads besides the model: the dataset's pool or tuning split, or the model item's corpus. */
export interface StageInput {
  readonly records?: readonly Request[];
  readonly tuning?: readonly TuningRecord[];
  readonly corpus?: readonly string[];
}

/** A shared precomputation stage of a method (covariance statistics, locating, a trained side model). */
export interface PrepareStage {
  /** Short name shown in the plan and key of the method's `prepared`, e.g. "locate". */
  readonly name: string;
  /** 'records': keyed by model × dataset, run on the dataset's pool (DatasetEntry.pool); 'tuning': keyed by
   *  model × dataset, run on its tuning split (DatasetEntry.tuning); 'corpus': keyed by model × corpus (the
   *  model item's `corpus:` or the model's default); 'model': by the model only. */
  readonly reads: 'records' | 'corpus' | 'model' | 'tuning';
  /** The subset of params the stage depends on (so sweeps over other params share it). */
  inputs(params: JsonObject): JsonValue;
  /** Returns the artifact's JSON value; binary files go under ctx.dir (kept in the task cache). */
  run(model: LoadedModel, params: JsonObject, ctx: RunContext & { readonly dir: string }, input: StageInput): Promise<JsonValue>;
}

/** A prepare stage's cached artifact, as a cell's editor gets it. */
export interface PreparedValue {
  readonly value: JsonValue;
  readonly dir: string;
}

/** A param a model cannot take: where under `params` (dot path) and why. */
export interface ParamProblem {
  readonly param: string;
  readonly message: string;
}

export interface MethodEntry extends EntryBase {
  /** Largest batch one apply() accepts (1 = single requests only). Undefined = any size. */
  readonly maxBatch?: number;
  /** Request kinds the method takes (default ['rewrite']); validate rejects a dataset of another kind. */
  readonly accepts?: readonly RequestKind[];
  readonly stages?: readonly PrepareStage[];
  /** Problems of these params on a model of this shape (validate reports them at the method item). */
  check?(params: JsonObject, shape: ModelShape): readonly ParamProblem[];
  create(params: JsonObject, ctx: RunContext & { readonly prepared: Readonly<Record<string, PreparedValue>>; readonly retain?: readonly Request[] }): CellEditor;
}

/** What editing one record cost: its share of the apply() call and the method's shared stage. */
export interface EditCost {
  /** Wall time of the apply() call that edited the record, divided by the requests in it. */
  readonly editMs: number;
  readonly extraParams: number;
  readonly extraBytes: number;
  /** Wall time of the method's shared precomputation stage (0 without one). */
  readonly prepareMs: number;
  /** Bytes of what the method's shared stages keep: their JSON values plus the files under their artifact
   *  directories (key statistics, located circuits, trained side models; 0 without a stage). */
  readonly prepareBytes: number;
  /** Peak bytes of live tfjs tensors during the apply() call that edited the record, above those live
   *  before it (exec/tensor-peak.ts); plain JS arrays (e.g. the Float64 linear algebra of ROME/MEMIT) are not counted. */
  readonly peakTensorBytes: number;
}

/** The probes of a record a metric reads (the metrics package's `Split`, packages/metrics/src/splits.ts). */
export type MetricSplit = 'edit' | 'paraphrase' | 'neighbourhood' | 'forget' | 'retain' | 'rephrased-forget' | 'general';
/** How a metric's per-record values become the table's value (the metrics package's `Aggregate`). */
export type MetricAggregate = 'mean' | 'median' | 'min' | 'max';

/**
 * Computes, for one record, every probe a cell's metrics read — once per record, model state and
 * cell, whatever the number of metrics that read it (e.g. one scoring call for Efficacy,
 * Generalization and Locality). `splits` are the splits of the metrics that read it.
 */
export interface RecordEvaluator<R = unknown> {
  /** Identifies the evaluator within a cell (metrics naming the same id share one result). */
  readonly id: string;
  evaluate(scorer: Scorer, record: CellRecord, splits: ReadonlySet<MetricSplit>): Promise<R>;
}

/** A metric's value read from its record evaluator's result (`params`: the metric item's params). */
export interface MetricProbe {
  readonly evaluator: RecordEvaluator;
  read(result: unknown, record: CellRecord, params: JsonObject): number;
}

/** A typed MetricProbe: `read` sees the evaluator's own result type. */
export function probe<R>(evaluator: RecordEvaluator<R>, read: (result: R, record: CellRecord, params: JsonObject) => number): MetricProbe {
  return { evaluator: evaluator as RecordEvaluator, read: (r, rec, params) => read(r as R, rec, params) };
}

export interface MetricEntry {
  readonly id: string;
  readonly version: string;
  readonly description?: string;
  /** JSON Schema of the metric's params (`metrics: [{ metric: id, params: {…} }]`). */
  readonly paramsSchema?: JsonSchema;
  /** Direction for `diff`: a drop of a higher-is-better metric is a regression. */
  readonly higherIsBetter: boolean;
  /** Fixed formatting in the CSV: value × scale printed with `digits` decimals. */
  readonly scale?: number;
  readonly digits?: number;
  /** The split of each record the metric reads (absent for measured costs and derived metrics). */
  readonly split?: MetricSplit;
  /** How per-record values become the table's value (default 'mean'). */
  readonly aggregate?: MetricAggregate;
  /** A record may have no value (NaN: e.g. no probe of a RippleEdits family): not a divergence; the
   *  table's value aggregates the records that have one (nan when none does). */
  readonly optional?: boolean;
  /** Per-record value read from a record evaluator shared with the cell's other metrics. */
  readonly probe?: MetricProbe;
  /** Per-record value computed on its own (e.g. fluency, which generates rather than scores). */
  evaluate?(scorer: Scorer, record: CellRecord, params: JsonObject): Promise<number>;
  /** A model-level value (e.g. multiple-choice accuracy on a general-capability set, ForGet Table 7):
   *  computed once per model state, after each edit group (or before it, with `when: before`), and
   *  given to every record of the group, so the table's mean weighs each state by its records. */
  model?(scorer: Scorer, params: JsonObject): Promise<number>;
  /** Params that name a file or directory relative to the spec ('any': either): `validate` checks that
   *  they exist, and the cell gets them resolved against the spec's directory. */
  readonly paths?: Readonly<Record<string, 'file' | 'directory' | 'any'>>;
  /** 'after' (default): on the edited model. 'before': on the same model before the group's edit
   *  (e.g. general capability before/after, ForGet Table 7). */
  readonly when?: 'before' | 'after';
  /** A text column instead of a number (e.g. the generation for a case study, ForGet Table 4);
   *  only in per-record tables (`rows: per-record`). */
  text?(scorer: Scorer, record: CellRecord, params: JsonObject): Promise<string>;
  /** Per-record value read from the measured cost of its edit instead of the Scorer (ForGet Table 5). */
  fromCost?(cost: EditCost): number;
  /** A measurement that differs between fresh runs (wall times): its row values go to `<table>.timing.json`,
   *  never into the CSV, which stays byte-identical for a fixed seed. */
  readonly volatile?: boolean;
  /** Table-level metric computed from other metrics' table values (e.g. Score = harmonic mean). */
  readonly derive?: { readonly from: readonly string[]; combine(values: readonly number[]): number };
  /** With `derive`: not a column; the row's status from the `from` values when they are all defined and
   *  the row is 'ok' (e.g. 'collapsed' or 'no-forgetting' after unlearning); undefined keeps 'ok'. */
  status?(values: readonly number[]): string | undefined;
}

/** One record a dataset loader could not use: where it is and which field is wrong. */
export interface MalformedRecord {
  readonly file: string;
  readonly index: number;
  readonly field: string;
  readonly message: string;
}

export interface DataReport {
  readonly format: string;
  readonly detected: boolean;
  readonly records: number;
  readonly malformed: readonly MalformedRecord[];
}

/** Dataset file checking for `editlab data inspect` (the datasets package's loaders). */
export interface DataInspector {
  readonly formats: readonly string[];
  inspect(path: string, format?: string): Promise<DataReport>;
}

export interface Registries {
  readonly models: ReadonlyMap<string, ModelEntry>;
  readonly datasets: ReadonlyMap<string, DatasetEntry>;
  readonly methods: ReadonlyMap<string, MethodEntry>;
  readonly metrics: ReadonlyMap<string, MetricEntry>;
  /** Environment recorded beside every table (backend, package versions); must be deterministic. */
  environment(): Promise<JsonObject>;
  readonly data?: DataInspector;
}

export function byId<T extends { id: string }>(entries: readonly T[]): ReadonlyMap<string, T> {
  const m = new Map<string, T>();
  for (const e of entries) {
    if (m.has(e.id)) throw new Error(`registry: '${e.id}' registered twice`);
    m.set(e.id, e);
  }
  return m;
}
