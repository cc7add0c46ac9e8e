// `defaults: rule` (docs/defaults.md): a method param whose schema carries a rule (`x-default.rule`,
// engine methods/common/defaults.ts) and that the spec does not set takes the rule's value on each model
// (its family's column of the paper, mapped to the model's depth), instead of the schema default.
import { ruleValue } from '@editlab/engine';
import type { DefaultRule } from '@editlab/engine';
import type { JsonSchema, ModelShape } from '../registries';
import type { JsonObject } from '../util/json';

/** The annotation keyword method params carry in the schema (ajv is told it is one). */
export const DEFAULT_KEYWORD = 'x-default';

/** The params of a method's schema that have a rule. */
export function ruleProps(schema: JsonSchema): Record<string, DefaultRule> {
  const props = (schema['properties'] ?? {}) as Record<string, { [DEFAULT_KEYWORD]?: { rule?: DefaultRule } }>;
  return Object.fromEntries(Object.entries(props).flatMap(([k, p]) => (p[DEFAULT_KEYWORD]?.rule ? [[k, p[DEFAULT_KEYWORD].rule]] : [])));
}

/** `params` with every rule param it lacks set to the rule's value on a model of this shape. */
export function withRuleDefaults(schema: JsonSchema, params: JsonObject, shape: ModelShape): JsonObject {
  const out: JsonObject = {};
  for (const [k, rule] of Object.entries(ruleProps(schema))) if (params[k] === undefined) out[k] = ruleValue(rule, shape);
  return { ...out, ...params };
}
