// Where a hyper-parameter's default comes from, and the rule that maps a reference value to a model of
// another depth or width (docs/defaults.md). A param built with `sourced(prop, origin)` carries its
// origin in its schema as `x-default`: the source (the paper's appendix, EasyEdit, the authors' code,
// or a tuning CSV), and optionally a rule with one column per model of the paper. A model picks its
// column by family (ModelFamily: the Llama-2 stand-in reads the Llama-2 column, the Qwen2 stand-in the
// Qwen2 column); the rule then maps the column's value to the model: a layer index by relative depth,
// any other value as it is. The schema `default` stays the value the committed tables used; a spec with
// `defaults: rule` takes the rule's value instead for every param it does not set (runner).
import type { ModelConfig } from '../../model/config';
import type { ModelShape } from '../editor';
import type { PropSchema } from './params';

export const DEFAULT_SOURCES = ['paper', 'easyedit', 'authors-code', 'tuning'] as const;
export type DefaultSource = (typeof DEFAULT_SOURCES)[number];

/**
 * A paper's value for one of its models: a layer index of a model of `of` layers; a weight that scales with the
 * MLP's inner width (`value` on a model of d_mlp `width`: MEMIT's λ, AlphaEdit's L2, docs/defaults.md "Width
 * rule"); or a plain value.
 */
export type RuleValue = { readonly layer: number; readonly of: number } | { readonly value: number; readonly width: number } | number | boolean | string;

export interface DefaultRule {
  /** The paper's models (e.g. 'Llama-2-7b') → the value the paper used on each. */
  readonly columns: Readonly<Record<string, RuleValue>>;
  /** Model family (ModelFamily) → the column it follows. */
  readonly families: Readonly<Record<string, string>>;
  /** The column of a family the map does not name. */
  readonly otherwise: string;
}

export interface DefaultOrigin {
  readonly source: DefaultSource;
  /** Where exactly: "ForGet App. B.2", "EasyEdit hparams/FT/llama-7b.yaml", "results/tuning/ft.csv". */
  readonly ref: string;
  readonly rule?: DefaultRule;
}

/**
 * The family of a model, as a paper's column names it: 'qwen2' (Llama-style with q/k/v biases),
 * 'mistral' (sliding-window attention), else its architecture ('llama', 'gpt2').
 */
export function modelFamily(c: Pick<ModelConfig, 'arch' | 'qkvBias' | 'slidingWindow'>): string {
  if (c.arch === 'llama' && c.qkvBias) return 'qwen2';
  if (c.arch === 'llama' && c.slidingWindow !== undefined) return 'mistral';
  return c.arch;
}

/** `prop` with its origin (`x-default` in the schema). */
export function sourced<T>(prop: PropSchema<T>, origin: DefaultOrigin): PropSchema<T> {
  return { ...prop, 'x-default': origin };
}

/** The column a model of this shape follows. */
export function ruleColumn(rule: DefaultRule, shape: Pick<ModelShape, 'arch'> & { readonly family?: string }): string {
  return rule.families[shape.family ?? shape.arch] ?? rule.otherwise;
}

/**
 * The rule's value on a model of this shape: the column's layer ℓ of L layers maps to
 * round(ℓ · (n − 1) / (L − 1)) of the model's n (the same relative depth, first and last layers kept);
 * a plain value is taken as it is.
 */
export function ruleValue(rule: DefaultRule, shape: RuleShape): number | boolean | string {
  const v = rule.columns[ruleColumn(rule, shape)];
  if (v === undefined) throw new RangeError(`default rule: no column '${ruleColumn(rule, shape)}' (columns: ${Object.keys(rule.columns).join(', ')})`);
  if (typeof v !== 'object') return v;
  if ('width' in v) {
    if (shape.dMlp === undefined) throw new RangeError(`default rule: the value ${v.value} of d_mlp ${v.width} scales with the model's d_mlp, which this shape lacks`);
    return Number(((v.value * shape.dMlp) / v.width).toPrecision(3));
  }
  return v.of <= 1 ? 0 : Math.round((v.layer * (shape.layers - 1)) / (v.of - 1));
}

/** What a rule reads of a model: its family's column, its depth, and (width rules) its MLP width. */
export type RuleShape = Pick<ModelShape, 'arch' | 'layers'> & { readonly family?: string; readonly dMlp?: number };

/** The values the rules of `properties` give on a model of this shape (params without a rule: absent). */
export function ruleDefaults(properties: Readonly<Record<string, PropSchema<unknown>>>, shape: RuleShape): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const [k, p] of Object.entries(properties)) {
    const rule = p['x-default']?.rule;
    if (rule) out[k] = ruleValue(rule, shape);
  }
  return out;
}

/** ForGet's two models (App. B.2) and the families that follow them; GPT-2-style models follow Llama-2. */
export const FORGET_COLUMNS = { llama: 'Llama-2-7b', qwen2: 'Qwen2-7b' } as const;
export function forgetRule(llama2: RuleValue, qwen2: RuleValue): DefaultRule {
  return { columns: { 'Llama-2-7b': llama2, 'Qwen2-7b': qwen2 }, families: { ...FORGET_COLUMNS }, otherwise: 'Llama-2-7b' };
}

/**
 * The width rule of MEMIT's λ (mom2_update_weight) and AlphaEdit's L2 (docs/defaults.md "Width rule"): the
 * reference value on the reference model's d_mlp, scaled by the model's d_mlp, so that a typical edit key keeps
 * the share of its residual that the reference gives it. Columns: the reference presets' models (GPT-2 XL:
 * d_mlp 6400; Llama-2-7B: 11008; Llama3-8B: 14336); GPT-2-style models follow GPT-2 XL, every Llama-style
 * family the Llama column.
 */
export function widthRule(gpt2xl: number, llama: { readonly name: string; readonly value: number; readonly width: number }): DefaultRule {
  return {
    columns: { 'GPT-2 XL': { value: gpt2xl, width: 6400 }, [llama.name]: { value: llama.value, width: llama.width } },
    families: { gpt2: 'GPT-2 XL' },
    otherwise: llama.name,
  };
}

/**
 * The locate-then-edit presets' two families (docs/locate-then-edit.md "Defaults"): the authors' GPT-2 XL files
 * (kmeng01/rome and memit: hparams/ROME/gpt2-xl.json, hparams/MEMIT/gpt2-xl.json), which GPT-2-style models follow, and EasyEdit's Llama-2-7B
 * files (hparams/ROME|MEMIT/llama-7b.yaml), which every Llama-style family follows (AlphaEdit has no Llama-2 file;
 * its maintainers advise MEMIT's, EasyEdit issue #502).
 */
export function presetRule(gpt2xl: RuleValue, llama2: RuleValue): DefaultRule {
  return { columns: { 'GPT-2 XL': gpt2xl, 'Llama-2-7b': llama2 }, families: { gpt2: 'GPT-2 XL' }, otherwise: 'Llama-2-7b' };
}

/** The tuning sweeps whose CSVs name the tuned defaults (experiments/tuning/, on the world's tuning split). */
export const TUNED_FT: DefaultOrigin = { source: 'tuning', ref: 'experiments/tuning/ft.yaml → results/tuning/ft.csv' };
export const TUNED_FORGET: DefaultOrigin = { source: 'tuning', ref: 'experiments/tuning/forget.yaml → results/tuning/forget.csv' };
