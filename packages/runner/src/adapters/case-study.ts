// Text columns for case studies (ForGet Table 4): the model's greedy continuation of one of an editing
// record's prompts — the rewrite prompt, its first paraphrase or its first neighbourhood prompt (ZsRE: its
// locality question) — on the
// edited model (`generation`) or on the same model before the edit (`generation-before`). The text is the
// prompt followed by the continuation, as the paper's case studies print them. Greedy decoding (top-1) is
// deterministic, so the table is byte-identical on rerun (docs/forget.md "Table 4").
import type { EditRecord } from '@editlab/datasets';
import type { CellRecord, JsonSchema, MetricEntry, Scorer } from '../registries';
import { RunnerError } from '../errors';
import type { JsonObject } from '../util/json';

export const CASE_PROMPTS = ['edit', 'paraphrase', 'neighbourhood'] as const;
type CasePrompt = (typeof CASE_PROMPTS)[number];

const SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    prompt: { enum: [...CASE_PROMPTS], default: 'edit', description: "Which prompt of the record: the rewrite prompt, its first paraphrase, or its first neighbourhood prompt (a ZsRE record's locality question)." },
    maxNewTokens: { type: 'integer', minimum: 1, maximum: 256, default: 16, description: 'Tokens generated after the prompt (greedy).' },
  },
};

/** The record's prompt of this kind; a record without one is a named error. */
export function casePrompt(r: CellRecord, kind: CasePrompt): string {
  const d = r.data as unknown as EditRecord | null;
  if (!d || d.kind !== 'edit') throw new RunnerError('DATA', `generation: record ${r.id} is not an editing record (use it with an editing dataset)`);
  // ZsRE-style records have no neighbourhood prompts: their locality question (`loc`) is the prompt that must not change.
  const prompt = kind === 'edit' ? d.prompt : kind === 'paraphrase' ? d.paraphrasePrompts[0] : (d.neighborhood[0] ?? d.locality[0])?.prompt;
  if (prompt === undefined) throw new RunnerError('DATA', `generation: record ${r.id} has no ${kind} prompt`);
  return prompt;
}

async function generation(s: Scorer, r: CellRecord, p: JsonObject): Promise<string> {
  const prompt = casePrompt(r, (p['prompt'] ?? 'edit') as CasePrompt);
  const [out] = await s.generate([prompt], { maxNewTokens: Number(p['maxNewTokens'] ?? 16), topK: 1 });
  return prompt + (out ?? '');
}

const entry = (id: string, when: 'before' | 'after'): MetricEntry => ({
  id, version: '1', higherIsBetter: true, paramsSchema: SCHEMA, split: 'edit', when,
  description: `greedy generation from the record's rewrite, paraphrase or neighbourhood prompt (the prompt, then the continuation) ${when === 'before' ? 'before' : 'after'} the edit; a text column for case studies (ForGet Table 4)`,
  text: generation,
});

/** The edit itself, for the reader of a case study: the rewrite prompt and its old → new target. */
const request: MetricEntry = {
  id: 'edit-request', version: '1', higherIsBetter: true, split: 'edit',
  description: 'the edit of the record as text: its rewrite prompt, then [old target → new target]; a text column for case studies (ForGet Table 4)',
  text: async (_s, r) => {
    const q = r.request as { prompt: string; targetNew: string; targetTrue?: string };
    return `${q.prompt} [${(q.targetTrue ?? '?').trim()} → ${q.targetNew.trim()}]`;
  },
};

export const CASE_STUDY_METRICS: readonly MetricEntry[] = [request, entry('generation', 'after'), entry('generation-before', 'before')];
