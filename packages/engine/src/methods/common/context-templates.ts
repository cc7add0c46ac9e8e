// Context templates of the locate-then-edit methods: random prefixes the key k* is averaged over and the
// value v* is optimised on, so the edit holds in context (ROME §3.1: "we sample ... random prefixes x_j";
// kmeng01/rome rome/rome_main.py get_context_templates; MEMIT memit_main.py the same with other lengths).
// As upstream, the prefixes are the model's own top-k (k = 5) samples after the five openers "The",
// "Therefore", "Because", "I", "You", `n` samples of each length spread evenly over the openers
// (upstream n_gen // 5 per opener), each followed by ". {}"; the template list starts with "{}" (the plain
// prompt). ROME: lengths [[5, 10], [10, 10]] → "{}" + 20 prefixes in one group; MEMIT/AlphaEdit: [[10, 5]] →
// two groups, ["{}"] and 5 prefixes (keys are averaged within a group, then across groups). Upstream's
// length is the total token count of the generation (max_out_len); here it is opener + new tokens.
// Generated once per model (before any edit) in a prepare stage that reads only the model, seeded; a direct
// caller without the stage gets the same templates computed on the spot.
import { generate } from '../../generate/generate';
import { hashString } from '../../model/prng';
import type { EditModel, MethodContext, PrepareStage } from '../editor';

export const CONTEXT_OPENERS = ['The', 'Therefore', 'Because', 'I', 'You'] as const;

/** [length in tokens, number of prefixes] pairs (upstream context_template_length_params). */
export type TemplateLengths = readonly (readonly [number, number])[];

export const ROME_TEMPLATE_LENGTHS: TemplateLengths = [[5, 10], [10, 10]];
export const MEMIT_TEMPLATE_LENGTHS: TemplateLengths = [[10, 5]];

export interface ContextTemplates {
  /** Groups of templates, each with one "{}" slot; ROME: one group, MEMIT: ["{}"] then the prefixes. */
  readonly groups: string[][];
}

/** Sampled prefixes for each (length, count), as templates "prefix. {}". */
export function sampleTemplates(model: EditModel, lengths: TemplateLengths, seed: number): string[] {
  const out: string[] = [];
  lengths.forEach(([length, count], li) => {
    const per = Math.max(1, Math.floor(count / CONTEXT_OPENERS.length));
    const prompts = CONTEXT_OPENERS.flatMap((o) => Array.from({ length: per }, () => o));
    const gen = generate(model.transformer, model.tokenizer, prompts, { maxNewTokens: Math.max(0, length - 1), topK: 5, seed: hashString(`context-templates-${li}`, seed) });
    // Upstream strips braces so a prefix cannot hold a format slot.
    gen.forEach((g, i) => out.push(`${(prompts[i]! + g).replace(/[{}]/g, ' ')}. {}`));
  });
  return out;
}

/** The template groups of a method: ROME's one flat group, or MEMIT's ["{}"] + prefixes. */
export function contextTemplates(model: EditModel, lengths: TemplateLengths, grouped: boolean, seed: number): ContextTemplates {
  const prefixes = sampleTemplates(model, lengths, seed);
  return { groups: grouped ? [['{}'], prefixes] : [['{}', ...prefixes]] };
}

export const TEMPLATES_STAGE = 'context-templates';

/** The prepare stage that samples a method's templates once per model (reads only the model). */
export function templatesStage<P>(lengths: TemplateLengths, grouped: boolean): PrepareStage<P, ContextTemplates> {
  return {
    name: TEMPLATES_STAGE,
    reads: 'model',
    inputs: () => ({ lengths, grouped }),
    run: (model, _p, input) => contextTemplates(model, lengths, grouped, input.seed),
  };
}

/** The templates the stage prepared, or the same computed now (direct callers without the runner). */
export function templatesOf(model: EditModel, ctx: MethodContext, lengths: TemplateLengths, grouped: boolean): ContextTemplates {
  const v = ctx.prepared?.[TEMPLATES_STAGE]?.value as ContextTemplates | undefined;
  return v ?? contextTemplates(model, lengths, grouped, ctx.seed);
}
