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
