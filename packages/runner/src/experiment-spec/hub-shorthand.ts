// The `hf:` shorthand of a model item: `models: [hf: meta-llama/Llama-2-7b-hf]` (or `- hf: owner/name@revision`,
// with an optional `label:` and `corpus:`) stands for `{ model: hf, label: Llama-2-7b-hf, params: { repo:
// meta-llama/Llama-2-7b-hf } }`, the `hf` entry's long form (adapters/models.ts), which keeps working.
// The schema accepts both forms (editors autocomplete either); after validation the shorthand becomes
// the long form, so a model named either way plans, is keyed and fails (not fetched: "run `editlab model
// fetch owner/name`") the same. The default label is the repo's name, the part after the owner.
import type { JsonSchema, Registries } from '../registries';
import type { JsonObject, JsonValue } from '../util/json';
import { isPlainObject } from '../util/json';

export const HUB_ENTRY = 'hf';

/** A params schema property's `pattern` without its anchors ('^…$'). */
function patternBody(schema: JsonSchema | undefined, prop: string): string | undefined {
  const props = schema?.['properties'];
  const p = isPlainObject(props) ? (props as JsonObject)[prop] : undefined;
  const pattern = isPlainObject(p) ? (p as JsonObject)['pattern'] : undefined;
  return typeof pattern === 'string' ? pattern.replace(/^\^/, '').replace(/\$$/, '') : undefined;
}

/**
 * The model item's schema with the shorthand added: an `hf` key (the repo id, @revision optional, by the
 * `hf` entry's own patterns) that replaces `model`, `params` and `matrix`. Unchanged when no `hf` entry
 * is registered.
 */
export function withHubShorthand(model: JsonSchema, reg: Registries): JsonSchema {
  const params = reg.models.get(HUB_ENTRY)?.paramsSchema;
  const repo = patternBody(params, 'repo');
  if (repo === undefined) return model;
  const revision = patternBody(params, 'revision') ?? '[\\w.-]+';
  const { required: _r, allOf, properties, ...rest } = model;
  return {
    ...rest,
    properties: {
      ...(properties as JsonObject),
      hf: {
        type: 'string',
        pattern: `^${repo}(@${revision})?$`,
        description: 'Shorthand for { model: hf, label: <name>, params: { repo: <owner/name> } }: a Hugging Face hub checkpoint fetched with `editlab model fetch <owner/name>`, optionally @revision.',
      },
    },
    allOf: [
      ...((allOf as JsonValue[] | undefined) ?? []),
      {
        if: { type: 'object', properties: { hf: true }, required: ['hf'] },
        // `params` is allowed only empty: the validator fills it with {} before this branch runs.
        then: { type: 'object', properties: { model: false, matrix: false, params: { type: 'object', additionalProperties: false, properties: {} } } },
        else: { type: 'object', properties: { model: true }, required: ['model'] },
      },
    ],
  };
}

/** A validated model item in the long form (a shorthand item rewritten, any other as it is). */
export function expandHubShorthand(item: JsonObject): JsonObject {
  const ref = item['hf'];
  if (typeof ref !== 'string') return item;
  const { hf: _hf, params: _p, ...rest } = item;
  const at = ref.indexOf('@');
  const repo = at < 0 ? ref : ref.slice(0, at);
  const params: JsonObject = at < 0 ? { repo } : { repo, revision: ref.slice(at + 1) };
  return { model: HUB_ENTRY, label: ref.slice(ref.indexOf('/') + 1), ...rest, params };
}
