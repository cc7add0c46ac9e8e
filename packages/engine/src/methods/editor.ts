// One contract for every editing and unlearning method (README "Adding a method"; docs/definitions.md §4). A
// method plans a change from requests and applies it, returning an undo; evaluation never happens inside
// a method. Methods are written with defineMethod (common/define.ts), which builds the MethodDef below;
// each lives in its own folder under methods/, registered in methods/registry.ts.
import type { Transformer } from '../model/transformer';
import type { Tokenizer } from '../model/tokenizer';

// ---- Requests: what a dataset asks a method to do.

/** A fact to change: prompt contains the subject; the model should say targetNew after it. */
export interface RewriteRequest {
  /** Absent means 'rewrite' (every dataset of this repository yields rewrites). */
  readonly kind?: 'rewrite';
  /** Rewrite prompt with the subject filled in, e.g. "The capital of Varonia is". */
  readonly prompt: string;
  /** Subject string as it appears in the prompt (ROME's "last subject token" is inside it). */
  readonly subject: string;
  /** New target continuation, with its leading space: " Quelmir". */
  readonly targetNew: string;
  /** Old (true) target, when known: " Dastrun". Forget-style methods need it. */
  readonly targetTrue?: string;
  /** Relation id (e.g. "P36"): methods that locate per relation type group by it. */
  readonly relationId?: string;
  /** Extra prompts for the same fact that a method may train on (never the evaluation ones). */
  readonly trainPrompts?: readonly string[];
}

/** The former name of RewriteRequest. */
export type EditRequest = RewriteRequest;

/** Knowledge to remove (unlearning): the model should stop answering `answer` to `question`. */
export interface ForgetRequest {
  readonly kind: 'forget';
  /** The prompt as the dataset asks it, e.g. "Question: Where was Ada Brun born?\nAnswer:". */
  readonly question: string;
  /** The answer to forget, with its leading space: " Quelmir". */
  readonly answer: string;
  /** The entity the question is about, when the dataset knows it (else common/requests.ts subjectOf). */
  readonly subject?: string;
  /** Other phrasings of the question a method may train on. */
  readonly rephrasings?: readonly string[];
  /** What the model should say instead (editing methods edit toward it); default DEFAULT_REFUSAL. */
  readonly refusal?: string;
  /**
   * The pool `refusal` was drawn from (the dataset's refusal pool or a spec's refusal file): IDK and DPO
   * draw a fresh refusal from it per example and epoch, as TOFU does. Absent: the requests' refusals.
   */
  readonly refusals?: readonly string[];
}

export type Request = RewriteRequest | ForgetRequest;
export type RequestKind = 'rewrite' | 'forget';
/** The request type of one kind. */
export type RequestOf<K extends RequestKind> = K extends 'forget' ? ForgetRequest : RewriteRequest;

export function requestKind(r: Request): RequestKind {
  return r.kind === 'forget' ? 'forget' : 'rewrite';
}

// ---- Results.

/** Restores the model exactly as it was before apply(). Idempotent. */
export type Undo = () => void;

export interface EditResult {
  readonly undo: Undo;
  /** Measured cost of this edit (docs/definitions.md §3): wall time and extra state kept. */
  readonly stats: {
    readonly wallMs: number;
    readonly extraParams?: number;
    readonly extraBytes?: number;
    /** Per-phase losses for diagnostics, e.g. { forget: [...], learn: [...] }. */
    readonly losses?: Readonly<Record<string, readonly number[]>>;
  };
}

// ---- The model, its shape, and what a method is given.

/** The model a method edits in place: its parameters (`transformer.params`) and its tokenizer. */
export interface EditModel {
  readonly transformer: Transformer;
  readonly tokenizer: Tokenizer;
  /** The edit layer causal tracing chose for this checkpoint, as its model card records it (docs/locate-then-edit.md
   *  "Layers"); ROME, MEMIT and AlphaEdit take it as their default layer. Absent: their depth rule. */
  readonly editLayer?: number;
}

/** What a hyper-parameter may refer to, known before any weight is loaded (the runner's validate). */
export interface ModelShape {
  readonly arch: string;
  readonly layers: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dMlp: number;
  readonly vocab: number;
  /** Longest sequence the model reads. */
  readonly window: number;
  /** The model family a paper's column names ('gpt2', 'llama', 'qwen2', 'mistral'; common/defaults.ts modelFamily). */
  readonly family?: string;
  /** The traced edit layer of the checkpoint's model card (EditModel.editLayer), when it has one. */
  readonly editLayer?: number;
}

/**
 * Where a located method edits: MLP layers ranked by their degree in the knowledge circuit (best
 * first), per relation type and over all relations (the locate stage, common/locate-stage.ts).
 */
export interface MlpLocation {
  /** MLP layers by degree, best first, for each relation id located. */
  readonly byRelation: Readonly<Record<string, readonly number[]>>;
  /** MLP layers by degree summed over every located relation: the fallback for unseen relations. */
  readonly all: readonly number[];
}

/** A prepare stage's cached output: its JSON value and the directory of its binary files. */
export interface PreparedArtifact {
  readonly value: unknown;
  /** Directory the stage wrote its files to (covariances, codebooks, side models); may be empty. */
  readonly dir: string;
}

export interface MethodContext {
  /** Seed of everything random in the method (data order, masks). */
  readonly seed: number;
  /** The outputs of the method's prepare stages, by stage name (the runner runs and caches them). */
  readonly prepared?: Readonly<Record<string, PreparedArtifact>>;
  /** Knowledge to keep (the spec's `retain:`), for methods that regularise on it (GD, NPO + retain). */
  readonly retain?: readonly Request[];
}

// ---- Prepare stages: precomputations a method declares; the runner caches their artifacts.

/**
 * What a stage learns from besides the model: the dataset's pool ('records'), a text corpus ('corpus'),
 * nothing ('model'), or the dataset's tuning split ('tuning': records whose subjects no benchmark file names,
 * for training side models without seeing evaluated records; docs/definitions.md §4).
 */
export type StageReads = 'records' | 'corpus' | 'model' | 'tuning';

/** A record of a tuning split (reads 'tuning'): the edit, and prompts inside and outside its scope. */
export interface TuningRecord {
  readonly request: Request;
  /** Other phrasings of the request's prompt: in the edit's scope (CounterFact paraphrases, ZsRE rephrasings). */
  readonly paraphrases: readonly string[];
  /** Prompts about other facts, out of the edit's scope, with their true answers (CounterFact neighbourhood, ZsRE loc). */
  readonly neighbours: readonly { readonly prompt: string; readonly target: string }[];
  /** Prompts about the edited subject's other facts (other relations), out of the edit's scope, with their answers:
   *  what KnowEdit's Relation_Specificity probes ask. Only where the source knows them (the synthetic world). */
  readonly sameSubject?: readonly { readonly prompt: string; readonly target: string }[];
}

export interface StageInput {
  readonly seed: number;
  /** reads 'records': every request of the dataset's pool (not only the evaluated slice). */
  readonly records?: readonly Request[];
  /** reads 'tuning': the dataset's tuning split (runner README "Prepare stages"). */
  readonly tuning?: readonly TuningRecord[];
  /** reads 'corpus': the text documents of the model item's corpus (runner README "Corpus"). */
  readonly corpus?: readonly string[];
  /** An empty directory, kept with the stage's cached result: write binary artifacts here. */
  readonly dir: string;
  /** Await between slices of long work (training steps `done` of `total`): the caller shows where the stage
   *  is and gives its event loop a turn; it rejects once the run is aborted (runner exec/yield.ts). */
  readonly progress?: (done: number, total: number) => Promise<void>;
}

export interface PrepareStage<P = Readonly<Record<string, unknown>>, O = unknown> {
  /** Name in the plan and key of ctx.prepared. */
  readonly name: string;
  readonly reads: StageReads;
  /** The params subset the stage depends on (so sweeps over other params share its artifact). */
  inputs(p: P): unknown;
  /** Compute the artifact: a JSON-serialisable value (plus any files written under input.dir). */
  run(model: EditModel, p: P, input: StageInput): O | Promise<O>;
}

/** A hyper-parameter the model cannot take (validate reports it at `params.<param>`). */
export interface ParamProblem {
  /** Key path under params, dot-separated ('layer', 'locate.steps'); '' for the whole params. */
  readonly param: string;
  readonly message: string;
}

/** JSON Schema (draft 2020-12) of a method's hyper-parameters: an object, every property with a default. */
export type ParamsSchema = { readonly [key: string]: unknown };

/** What the registry and the runner see of a method (defineMethod builds it). */
export interface MethodDef {
  /** Registry id used in YAML specs: 'ft', 'ft-c', 'forget', 'forget-u', 'forget-pa', 'f-learning'. */
  readonly id: string;
  /** Bump when behaviour changes: it enters every cache key of a cell that uses the method. */
  readonly version: string;
  readonly description: string;
  readonly paramsSchema: ParamsSchema;
  /** Request kinds apply() takes; a spec pairing the method with a dataset of another kind is invalid. */
  readonly accepts: readonly RequestKind[];
  /** Largest batch one apply() accepts; undefined = any size. */
  readonly maxBatch?: number;
  /** Precomputations run (and cached) by the runner before the method's cells. */
  readonly stages: readonly PrepareStage[];
  /** Problems of these (raw) params on a model of this shape, found before running (validate). */
  check(params: Readonly<Record<string, unknown>>, shape: ModelShape): readonly ParamProblem[];
  /** Edit the model in place for these requests; params are resolved (defaults, checks) inside. */
  apply(model: EditModel, requests: readonly Request[], params: Readonly<Record<string, unknown>>, ctx: MethodContext): EditResult;
}
