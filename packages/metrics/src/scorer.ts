// The narrow interface every metric uses. Metrics never touch engine internals: they see a model
// only through a Scorer, so they run identically on a base model and an edited one, and tests can
// drive them with a fake Scorer whose probabilities are set by hand.

/** One continuation token scored teacher-forced: the model sees prompt + continuation[<t]. */
export interface TokenScore {
  /** Token id in the model's vocabulary. */
  readonly id: number;
  /** log p(token_t | prompt, continuation_<t), natural log. */
  readonly logprob: number;
  /** 1-based rank of the token among the whole vocabulary at that position (1 = argmax). */
  readonly rank: number;
}

export interface ScoreRequest {
  readonly prompt: string;
  /** Scored text. Callers include any leading space themselves (" Paris"). */
  readonly continuation: string;
}

export interface GenerateOptions {
  readonly maxNewTokens: number;
  /** Greedy when absent or 1; otherwise top-k sampling with this k. */
  readonly topK?: number;
  readonly seed?: number;
  /** Stop a sequence at the first occurrence of any of these strings (they are cut off). */
  readonly stop?: readonly string[];
}

export interface Scorer {
  /**
   * Score each continuation after its prompt. The prompt and the continuation are tokenized
   * separately and concatenated (the MEMIT/ROME convention), so the scored tokens are exactly
   * tokenize(continuation).
   */
  score(requests: readonly ScoreRequest[]): Promise<TokenScore[][]>;
  /** Generate a continuation for each prompt (returned without the prompt). */
  generate(prompts: readonly string[], options: GenerateOptions): Promise<string[]>;
  /** Token ids of a text, for metrics that count tokens. */
  tokenize(text: string): number[];
}
