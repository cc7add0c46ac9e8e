// The context window of the version 2 default models, by a written rule over measured lengths:
//   window = the smallest power of two ≥ the longest sequence of the formats it must hold,
// where a sequence is a record scored or edited as one row (prompt + target, QA + answer) and a fluency
// generation (generation prompt + generated tokens). The lengths are the longest records of the real
// files under ../shared/data, measured with tiny-gpt2's BPE by
// `node --import tsx packages/datasets/scripts/measure-lengths.ts ../shared/data` (packages/datasets/
// README.md, "Record lengths"). The power of two leaves room for the v2 tokenizer, which is trained on
// another corpus and splits real text somewhat differently (106 → 128: 22 tokens, 21%).

export interface MeasuredLength {
  /** Dataset format family (as the runner's loaders name them). */
  readonly format: string;
  /** Longest scored sequence in tokens, and which file / part it is. */
  readonly tokens: number;
  readonly which: string;
}

/** The longest real records per format (packages/datasets/README.md, "Record lengths"). */
export const MEASURED_LENGTHS: readonly MeasuredLength[] = [
  { format: 'counterfact', tokens: 84, which: 'counterfact-edit.dev.json, a paraphrase' },
  { format: 'tofu', tokens: 81, which: 'world_facts_perturbed.json, a perturbed answer' },
  { format: 'pistol', tokens: 106, which: 'sample_data_1.dev.json, a QA' },
  { format: 'rippleedits', tokens: 37, which: 'random.sample.json, Subject_Aliasing' },
  { format: 'zsre', tokens: 215, which: 'zsre_mend_train-1k.json, an NQ loc + loc_ans (150 in the eval file)' },
  { format: 'mmlu', tokens: 421, which: 'mmlu/test, a 4-choice prompt + letter (263 in mmlu/dev)' },
];

/**
 * Fluency generation: greedy continuation of a generation prompt (≤ 32 tokens in real CounterFact) to
 * 64 new tokens today, and to a total length of 100 in ROME/MEMIT's CounterFact evaluation (max_out_len).
 */
export const GENERATION = { promptTokens: 32, newTokens: 64, totalTokens: 100 } as const;

/** The formats the v2 window holds; the others are left to issue 19's long-record rule. */
export const V2_WINDOW_FORMATS: readonly string[] = ['counterfact', 'tofu', 'pistol', 'rippleedits'];

export interface WindowChoice {
  readonly window: number;
  /** The longest sequence it must hold, and what it is. */
  readonly longest: number;
  readonly longestWhich: string;
  /** Measured formats longer than the window. */
  readonly leftOut: readonly MeasuredLength[];
}

/** The window for `formats` under the rule above. */
export function contextWindow(formats: readonly string[], lengths: readonly MeasuredLength[] = MEASURED_LENGTHS): WindowChoice {
  const generation = Math.max(GENERATION.promptTokens + GENERATION.newTokens, GENERATION.totalTokens);
  let longest = generation;
  let longestWhich = 'fluency generation';
  for (const f of formats) {
    const m = lengths.find((l) => l.format === f);
    if (!m) throw new Error(`contextWindow: no measured length for format '${f}'`);
    if (m.tokens > longest) [longest, longestWhich] = [m.tokens, `${f} (${m.which})`];
  }
  let window = 1;
  while (window < longest) window *= 2;
  return { window, longest, longestWhich, leftOut: lengths.filter((l) => l.tokens > window) };
}

/** The version 2 window: 128 (PISTOL's 106-token QA is the longest it holds). */
export const V2_WINDOW = contextWindow(V2_WINDOW_FORMATS).window;
