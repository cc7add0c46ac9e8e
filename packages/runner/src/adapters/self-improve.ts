// Self-improvement (Editing-as-Unlearning §3.2, prompts in App. B.1): before unlearning, the model
// under edit writes a refusal tailored to each forget question, and that text becomes the question's
// edit target instead of a generic "I don't know.". The paper instructs an instruction-tuned 7B model
// with three exemplars; the tiny default models follow no instructions, so the prompt is exemplars
// only, in the world's QA format, whose answers are the world's subject-naming refusals
// (datasets world/refusal.ts) for other subjects of the set, and the model continues the pattern for
// the forget question (greedy, deterministic). A generated text that fails the refusal test
// (`isTailoredRefusal`) is replaced by the record's generic refusal and counted.
// docs/unlearning.md "Self-improvement" has the choice and what is counted.
import { NAMED_REFUSAL_TEMPLATES, RELATION_BY_ID, RELATION_NOUNS, REFUSAL_POOL, fnv1a, formatQA, qaPrompt } from '@editlab/datasets';
import { entailment, falseObjectsNamed, namesEntity } from '@editlab/metrics';
import type { CellRecord, ForgetRequest, LoadedModel, RecordTargetStage } from '../registries';
import { RunnerError } from '../errors';
import type { JsonObject, JsonValue } from '../util/json';
import type { TargetLine } from '../report/targets';
import { spaced } from './edit-datasets';

/** Exemplars per prompt at most (the paper's three), fewer when the model's window cannot hold them. */
export const MAX_EXEMPLARS = 3;
/** New tokens the model may write for a target (a refusal is one short line). */
export const TARGET_TOKENS = 20;

/** One exemplar: another subject's question and its subject-naming refusal. */
export interface Exemplar {
  readonly question: string;
  readonly refusal: string;
}

/** What the world says about a forget question: its subject, true object and false objects. */
export interface QuestionFacts {
  readonly subject: string;
  readonly object: string;
  /** Every entity of the relation's object type but the true object (and the subject). */
  readonly falseObjects: readonly string[];
}

/** An item of a set the exemplars are drawn from: question, subject, relation. */
export interface ExemplarSource {
  readonly id: string;
  readonly question: string;
  readonly subject?: string;
  readonly relation?: string;
}

/** The named-refusal templates that name what was asked ({a}); the others cannot mirror a question. */
const ASKING = NAMED_REFUSAL_TEMPLATES.filter((t) => t.includes('{a}'));

/** What a question of `relation` asks for, as a noun phrase ("birthplace", else the relation's name). */
export function askedNoun(relation: string): string {
  return RELATION_NOUNS[relation] ?? RELATION_BY_ID.get(relation)?.name ?? 'details';
}

/** A refusal that names `subject` and what was asked, from named-refusal template `t`. */
function refusalFor(t: string, subject: string, relation: string): string {
  return t.replace(/\{s\}/g, subject).replace('{a}', askedNoun(relation));
}

/**
 * The exemplars of forget item `it`: up to MAX_EXEMPLARS items of `pool` (items not forgotten), those
 * of the same relation first, in an order fixed by the pair of ids, each answered with the same
 * subject-naming template (one per forget item, by its id), so the prompt shows one pattern.
 */
export function exemplarsFor(it: ExemplarSource, pool: readonly ExemplarSource[]): Exemplar[] {
  if (it.subject === undefined || it.relation === undefined) {
    throw new RunnerError('DATA', `targets: self-improved: item ${it.id} has no subject and relation (only world-tofu's items have them)`);
  }
  const t = ASKING[fnv1a(it.id) % ASKING.length]!;
  const order = (x: ExemplarSource) => [x.relation === it.relation ? 0 : 1, fnv1a(`${it.id}|${x.id}`)] as const;
  return pool
    .filter((x) => x.subject !== undefined && x.relation !== undefined && x.subject !== it.subject)
    .map((x) => ({ x, k: order(x) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1])
    .slice(0, MAX_EXEMPLARS)
    .map(({ x }) => ({ question: x.question, refusal: refusalFor(t, x.subject!, x.relation!) }));
}

/** The prompt: the exemplars as QA lines, then the forget question's QA prompt. */
export function selfImprovePrompt(exemplars: readonly Exemplar[], question: string): string {
  return [...exemplars.map((e) => formatQA(e.question, e.refusal)), qaPrompt(question)].join('\n');
}

/** How a refusal may open: the named templates up to their subject, and the generic refusals. */
const OPENERS = [...NAMED_REFUSAL_TEMPLATES.map((t) => t.slice(0, t.indexOf('{s}'))), ...REFUSAL_POOL.map((r) => r.replace(/[.!]$/, ''))]
  .map((o) => o.trim().toLowerCase())
  .filter((o) => o.length > 0);

/**
 * The refusal test: a generated target is kept when it opens like a refusal (a named template up to
 * its subject, or a generic refusal), names the question's subject, and names neither its true object
 * (it would teach the answer) nor a false one (misleading). Anything else is replaced.
 */
export function isTailoredRefusal(text: string, facts: QuestionFacts): boolean {
  const t = text.trim().toLowerCase();
  return OPENERS.some((o) => t.startsWith(o))
    && entailment(text, facts.subject) === 1
    && !namesEntity(text, facts.object)
    && falseObjectsNamed(text, facts.falseObjects).length === 0;
}

/** What a self-improved record carries in its data (adapters/unlearn-datasets.ts). */
export interface SelfImproveData {
  readonly question: string;
  readonly exemplars: readonly Exemplar[];
}

interface TargetsValue {
  readonly prompt: string;
  readonly maxNewTokens: number;
  readonly total: number;
  readonly replaced: number;
  readonly targets: readonly TargetLine[];
}

/** The record's prompt with as many of its exemplars as fit the window with TARGET_TOKENS to write. */
function fitPrompt(model: LoadedModel, s: SelfImproveData): { prompt: string; exemplars: number } {
  for (let k = s.exemplars.length; k > 0; k--) {
    const prompt = selfImprovePrompt(s.exemplars.slice(0, k), s.question);
    if (!model.window || (model.window.bos ? 1 : 0) + model.scorer.tokenize(prompt).length + TARGET_TOKENS <= model.window.tokens) return { prompt, exemplars: k };
  }
  return { prompt: selfImprovePrompt([], s.question), exemplars: 0 };
}

function dataOf(r: CellRecord): { selfImprove: SelfImproveData; facts: QuestionFacts } {
  const d = r.data as { selfImprove?: SelfImproveData; facts?: QuestionFacts } | null;
  if (!d?.selfImprove || !d.facts) throw new RunnerError('DATA', `self-improvement: record ${r.id} carries no exemplars (dataset world-tofu with targets: self-improved)`);
  return { selfImprove: d.selfImprove, facts: d.facts };
}

/** The targets stage of `targets: self-improved` (registries RecordTargetStage). */
export const SELF_IMPROVE: RecordTargetStage = {
  name: 'self-improve',
  async run(model, records) {
    const parts = records.map((r) => ({ r, ...dataOf(r), ...fitPrompt(model, dataOf(r).selfImprove) }));
    const gens = await model.scorer.generate(parts.map((p) => p.prompt), { maxNewTokens: TARGET_TOKENS, stop: ['\n'] });
    const targets = parts.map((p, i) => {
      const generated = (gens[i] ?? '').trim();
      const keep = isTailoredRefusal(generated, p.facts);
      const generic = (p.r.request as ForgetRequest).refusal?.trim() ?? REFUSAL_POOL[0]!;
      return { record: p.r.id, subject: p.facts.subject, exemplars: p.exemplars, generated, target: keep ? generated : generic, replaced: !keep };
    });
    const value: TargetsValue = {
      prompt: 'world subject-naming refusal exemplars (docs/unlearning.md "Self-improvement")',
      maxNewTokens: TARGET_TOKENS, total: targets.length, replaced: targets.filter((t) => t.replaced).length, targets,
    };
    return value as unknown as JsonValue;
  },
  apply(records, value) {
    const v = value as unknown as TargetsValue;
    const by = new Map(v.targets.map((t) => [t.record, t.target]));
    return records.map((r) => {
      const target = by.get(r.id);
      return target === undefined ? r : { ...r, request: { ...(r.request as ForgetRequest), refusal: spaced(target) } };
    });
  },
};

/** The targets stage `targets:` asks for: self-improvement, or none (the generic refusals). */
export function targetsStage(params: JsonObject): RecordTargetStage | undefined {
  return params['targets'] === 'self-improved' ? SELF_IMPROVE : undefined;
}
