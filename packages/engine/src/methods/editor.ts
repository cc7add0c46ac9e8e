// One interface for every editing and unlearning method (BRIEF "Methods"). A method plans a change
// from requests and applies it, returning an undo; evaluation never happens inside a method.
// Method-specific code lives in its own folder under methods/, registered in methods/registry.ts.

/** A fact to change: prompt contains the subject; the model should say targetNew after it. */
export interface EditRequest {
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

/** Restores the model exactly as it was before apply(). Idempotent. */
export type Undo = () => void;

export interface EditResult {
  readonly undo: Undo;
  /** Measured cost of this edit (BRIEF "Cost"): wall time and extra state kept. */
  readonly stats: {
    readonly wallMs: number;
    readonly extraParams?: number;
    readonly extraBytes?: number;
    /** Per-phase losses for diagnostics, e.g. { forgetLoss: [...], learnLoss: [...] }. */
    readonly losses?: Readonly<Record<string, readonly number[]>>;
  };
}

// ---- The method contract shared by engine/methods/* and the runner's adapter (runner/src/adapters/methods.ts).

import type { Transformer } from '../model/transformer';
import type { Tokenizer } from '../model/tokenizer';

/** The model a method edits in place: its parameters (`transformer.params`) and its tokenizer. */
export interface EditModel {
  readonly transformer: Transformer;
  readonly tokenizer: Tokenizer;
}

/**
 * Where a located method edits: MLP layers ranked by their degree in the knowledge circuit (best
 * first), per relation type and over all relations (engine/locate produces it; ForGet reads it).
 */
export interface MlpLocation {
  /** MLP layers by degree, best first, for each relation id located. */
  readonly byRelation: Readonly<Record<string, readonly number[]>>;
  /** MLP layers by degree summed over every located relation: the fallback for unseen relations. */
  readonly all: readonly number[];
}

export interface MethodContext {
  /** Seed of everything random in the method (data order, masks). */
  readonly seed: number;
  /** Output of the method's shared locate stage, for methods with `needsLocation`. */
  readonly location?: MlpLocation;
}

/** JSON Schema (draft 2020-12) of a method's hyper-parameters: an object, every property with a default. */
export type ParamsSchema = { readonly [key: string]: unknown };

export interface MethodDef {
  /** Registry id used in YAML specs: 'ft', 'ft-c', 'forget', 'forget-u', 'forget-pa', 'f-learning'. */
  readonly id: string;
  /** Bump when behaviour changes: it enters every cache key of a cell that uses the method. */
  readonly version: string;
  readonly description: string;
  readonly paramsSchema: ParamsSchema;
  /** Largest batch one apply() accepts; undefined = any size. */
  readonly maxBatch?: number;
  /** True when apply() needs ctx.location (the runner then runs the locate stage first). */
  readonly needsLocation?: boolean;
  /** Edit the model in place for these requests; `params` are already defaulted and validated. */
  apply(model: EditModel, requests: readonly EditRequest[], params: Readonly<Record<string, unknown>>, ctx: MethodContext): EditResult;
}
