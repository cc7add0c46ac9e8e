// The narrow views the pretraining pipeline needs of the world, the tokenizer and the model. The
// pipeline is written against these so that each piece (datasets' world, engine's tokenizer and
// Transformer) is adapted in one place (world-source.ts, facts-source.ts, pipeline.ts).

/** A fact as a prompt and its object: the model should put the object's first token on top. */
export interface KnowledgeProbe {
  /** The prompt with the subject filled, e.g. "The capital of Varn Osk is". */
  readonly prompt: string;
  /** The object, e.g. "Telo Marra"; the continuation scored is " " + target (MEMIT convention). */
  readonly target: string;
}

/** Everything the pipeline takes from one world (or from real dataset files with --facts). */
export interface KnowledgeSource {
  /** Human-readable description recorded in the model card, e.g. "world seed 1, size default". */
  readonly description: string;
  /** Pretraining documents (one short text each). */
  readonly corpus: readonly string[];
  /** Facts phrased with templates that occur in the corpus. */
  readonly trainProbes: readonly KnowledgeProbe[];
  /** The same facts phrased with templates held out of the corpus. */
  readonly heldOutProbes: readonly KnowledgeProbe[];
  /**
   * The facts asked in the QA format with question templates held out of the corpus (optional): a
   * model that refuses known entities misses these.
   */
  readonly qaProbes?: readonly KnowledgeProbe[];
  /** Prompts (QA format, ending where the answer starts) about entities absent from the corpus. */
  readonly refusalPrompts: readonly string[];
  /** The refusal answers the corpus teaches for absent entities. */
  readonly refusalPool: readonly string[];
  /** Open-ended prompts for the fluency check. */
  readonly generationPrompts: readonly string[];
}

export interface TextTokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
  readonly vocabSize: number;
  /** When set, every sequence starts with it (in training, scoring and generation alike). */
  readonly bosId?: number;
  readonly eosId: number;
  readonly padId: number;
}
