// The JSON Schema (draft 2020-12) of an experiment spec, assembled from the registries: each
// model, dataset and method contributes its own params schema; metrics contribute their ids. The
// same object validates specs (ajv, strict) and is written to experiments/schema.json so editors
// autocomplete (`# yaml-language-server: $schema=./schema.json`).
import type { EntryBase, JsonSchema, Registries } from '../registries';
import type { JsonValue } from '../util/json';
import { withHubShorthand } from './hub-shorthand';

export const SCHEMA_ID = 'https://editlab.dev/schema/experiment.json';
export const PROTOCOL_KINDS = ['single', 'sequential', 'batch', 'unlearn'] as const;
/** Names a method item's constant column may take (`columns:`): lower-case, like the table's own columns. */
export const CONSTANT_COLUMN_PATTERN = '^[a-z][a-z0-9_-]*$';

function paramsDef(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  const out: JsonSchema = { type: 'object', ...rest };
  if (out['additionalProperties'] === undefined) out['additionalProperties'] = false;
  return out;
}

/** An enum of registered ids; with none registered, a schema nothing satisfies (ajv rejects `enum: []`). */
function idSchema(ids: readonly string[], description: string): JsonSchema {
  return ids.length ? { enum: [...ids], description } : { type: 'string', not: {}, description: `${description} (none registered in this build)` };
}

function propertyNames(schema: JsonSchema): string[] {
  const props = schema['properties'];
  return props && typeof props === 'object' && !Array.isArray(props) ? Object.keys(props).sort() : [];
}

/** Array of `{<tag>: id, label?, params?}` items whose params schema depends on the tag. */
function axis(
  tag: string,
  kind: string,
  entries: ReadonlyMap<string, EntryBase>,
  defs: Record<string, JsonValue>,
  withMatrix: boolean,
  extra: Record<string, JsonValue> = {},
): JsonSchema {
  const ids = [...entries.keys()].sort();
  const branches: JsonValue[] = [];
  for (const id of ids) {
    const entry = entries.get(id)!;
    const ref = `${kind}-${id}`;
    const params = paramsDef(entry.paramsSchema);
    defs[ref] = params;
    const then: Record<string, JsonValue> = { params: { $ref: `#/$defs/${ref}` } };
    if (withMatrix) {
      const sweep: Record<string, JsonValue> = {};
      for (const p of propertyNames(params)) {
        sweep[p] = { type: 'array', minItems: 1, items: { $ref: `#/$defs/${ref}/properties/${p}` } };
      }
      then['matrix'] = {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        description: `Sweep: every combination of these ${id} params becomes its own row.`,
        properties: sweep,
      };
    }
    branches.push({
      if: { type: 'object', properties: { [tag]: { const: id } }, required: [tag] },
      then: { type: 'object', properties: then },
    });
  }
  const props: Record<string, JsonValue> = {
    [tag]: idSchema(ids, `Registered ${kind} id.`),
    label: { type: 'string', minLength: 1, description: 'Name in the table (default: the id, plus swept params).' },
    params: { type: 'object', default: {} },
  };
  if (withMatrix) props['matrix'] = { type: 'object' };
  Object.assign(props, extra);
  return {
    type: 'object',
    additionalProperties: false,
    required: [tag],
    properties: props,
    ...(branches.length ? { allOf: branches } : {}),
  };
}

export function buildSchema(reg: Registries): JsonSchema {
  const defs: Record<string, JsonValue> = {};
  const model = withHubShorthand(axis('model', 'model', reg.models, defs, true, {
    corpus: {
      type: 'string', minLength: 1,
      description: "Text (blank-line-separated documents) or JSONL (`text` per line) file, relative to the spec, that methods' corpus stages read (default: the model's own corpus; the embedded models: their world).",
    },
  }), reg);
  const dataset = axis('dataset', 'dataset', reg.datasets, defs, true, {
    retain: {
      type: 'object',
      additionalProperties: false,
      description: 'Knowledge to keep, handed to the methods (unlearning regularisers): a registered dataset (with its params) or a split of this dataset.',
      properties: {
        dataset: idSchema([...reg.datasets.keys()].sort(), 'Registered dataset id.'),
        params: { type: 'object', default: {}, description: "The retain dataset's params." },
        split: { type: 'string', minLength: 1, description: 'A named split of this dataset (its entry lists them), e.g. retain.' },
      },
    },
    models: {
      type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 },
      description: 'Run this dataset only on these model items (their labels), e.g. a PISTOL set only on the model finetuned on it; default: every model.',
    },
  });
  const method = axis('method', 'method', reg.methods, defs, true, {
    protocols: {
      type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 },
      description: 'Run this method only under these protocols, named by their table label (e.g. unlearn, "unlearn(sequential)"); default: every protocol.',
    },
    datasets: {
      type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1 },
      description: 'Run this method only on these dataset items (their labels), e.g. a variant for insertions without a true target; default: every dataset.',
    },
    seeds: {
      type: 'array', minItems: 2, uniqueItems: true, items: { type: 'integer', minimum: 0 },
      description: 'Repeat this method (each swept variant) with these seeds, e.g. the data order of a trained method: the row is the mean over seeds, `<metric>_sd` columns the sample sd across them (aggregate rows only).',
    },
    columns: {
      type: 'object', minProperties: 1,
      propertyNames: { pattern: CONSTANT_COLUMN_PATTERN },
      additionalProperties: { type: 'string' },
      description: 'Constant text columns of this method\'s rows, e.g. `{ type: MP }` (ForGet Table 1): written after the key columns of the CSV and in the meta rows; empty in rows of methods that do not name the column.',
    },
  });
  const metricIds = [...reg.metrics.keys()].sort();
  const withParams = new Map([...reg.metrics].map(([id, m]) => [id, { ...m, paramsSchema: m.paramsSchema ?? { type: 'object', properties: {} } }]));
  const metricItem = axis('metric', 'metric', withParams, defs, false);
  for (const [id, m] of reg.metrics) {
    // What the metric reads and how its per-record values become the table's value, for editors.
    const how = [m.split ? `reads the ${m.split} split` : '', m.derive ? `computed from ${m.derive.from.join(', ')}` : `${m.aggregate ?? 'mean'} over records`]
      .filter(Boolean).join('; ');
    const text = `${m.description ? `${m.description}. ` : ''}${how.charAt(0).toUpperCase()}${how.slice(1)}.`;
    defs[`metric-${id}`] = { description: text, ...(defs[`metric-${id}`] as JsonSchema) };
  }
  const protocol: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['kind'],
    properties: {
      kind: {
        enum: [...PROTOCOL_KINDS],
        description: 'single: edit, evaluate, undo per record; sequential: T edits then evaluate all T; batch: one edit of `size` requests; unlearn: the whole forget set, then evaluate.',
      },
      T: { type: 'integer', minimum: 1, description: 'Edits applied in sequence before evaluation (sequential).' },
      size: { type: 'integer', minimum: 1, description: 'Requests per edit call (batch; unlearn with apply: batch).' },
      evalEach: { type: 'boolean', description: 'Also evaluate each record right after its own edit (sequential): the values go to `<metric>@each` columns.' },
      apply: {
        enum: ['all', 'sequential', 'batch'],
        description: 'How the forget set is applied (unlearn): all = one call with every request (default); sequential = one request a call, no undo in between; batch = calls of `size` requests.',
      },
      merge: {
        type: 'integer', minimum: 1,
        description: 'Query merging (unlearn; Editing-as-Unlearning §3.2): every `merge` consecutive forget questions become one request ("Question: q1 q2 …\\nAnswer:") with one refusal target; each question is still evaluated on its own (docs/unlearning.md "Query merging").',
      },
    },
    allOf: [
      { if: { type: 'object', properties: { kind: { const: 'sequential' } } }, then: { type: 'object', required: ['T'], properties: { T: true, size: false, apply: false, merge: false } } },
      { if: { type: 'object', properties: { kind: { const: 'batch' } } }, then: { type: 'object', required: ['size'], properties: { size: true, T: false, evalEach: false, apply: false, merge: false } } },
      { if: { type: 'object', properties: { kind: { const: 'single' } } }, then: { type: 'object', properties: { T: false, size: false, evalEach: false, apply: false, merge: false } } },
      {
        if: { type: 'object', properties: { kind: { const: 'unlearn' } } },
        then: {
          type: 'object',
          properties: { T: false, evalEach: false },
          if: { type: 'object', required: ['apply'], properties: { apply: { const: 'batch' } } },
          then: { type: 'object', required: ['size'] },
          else: { type: 'object', properties: { size: false } },
        },
      },
    ],
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'editlab experiment',
    description: 'One table: models × datasets × methods (× swept params) × protocols, scored by metrics.',
    type: 'object',
    additionalProperties: false,
    required: ['name', 'output', 'models', 'datasets', 'methods', 'metrics'],
    properties: {
      extends: { type: 'string', description: 'Relative path of a spec this one overrides (objects merge, arrays replace).' },
      name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Table name.' },
      description: { type: 'string' },
      seed: { type: 'integer', minimum: 0, default: 0, description: 'Seed passed to every task; part of every task key.' },
      output: {
        type: 'string',
        pattern: '\\.csv$',
        description: 'CSV path relative to the results directory (must stay inside it).',
      },
      models: { type: 'array', minItems: 1, items: { $ref: '#/$defs/model' } },
      datasets: { type: 'array', minItems: 1, items: { $ref: '#/$defs/dataset' } },
      methods: { type: 'array', minItems: 1, items: { $ref: '#/$defs/method' } },
      protocols: { type: 'array', minItems: 1, items: { $ref: '#/$defs/protocol' }, default: [{ kind: 'single' }] },
      metrics: {
        type: 'array',
        minItems: 1,
        description: 'Metric columns: an id, or { metric: id, label: column, params: {…} }.',
        items: { type: ['string', 'object'], if: { type: 'string' }, then: idSchema(metricIds, 'Registered metric id.'), else: { $ref: '#/$defs/metric' } },
      },
      defaults: {
        enum: ['schema', 'rule'],
        description: "Method params the spec leaves unset: 'schema' (the default) takes each param's schema default; 'rule' takes, for params whose `x-default` has a rule, the rule's value on each model (its family's column of the paper, mapped to its depth: docs/defaults.md).",
      },
      rows: {
        enum: ['aggregate', 'per-record'],
        default: 'aggregate',
        description: 'aggregate: one row per model × dataset × method × protocol with metric means; per-record: one row per record (case studies, text columns).',
      },
      plots: {
        type: 'array',
        description: 'Figures drawn from the table after each run (SVG beside the CSV).',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'metrics', 'output'],
          properties: {
            kind: { enum: ['bar', 'line', 'radar'] },
            metrics: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Metric columns of this table.' },
            x: { enum: ['model', 'dataset', 'method', 'hparams', 'protocol'], description: 'Category on the x axis (bar, line).' },
            series: { enum: ['model', 'dataset', 'method', 'hparams', 'protocol'], description: 'Colour (default: the key columns that vary).' },
            title: { type: 'string' },
            output: { type: 'string', pattern: '\\.svg$', description: 'SVG path relative to the results directory.' },
          },
        },
      },
      run: {
        type: 'object',
        additionalProperties: false,
        properties: {
          chunk: { type: 'integer', minimum: 1, default: 50, description: 'Records per cell task (the unit of caching, resume and sharding).' },
          limit: { type: 'integer', minimum: 1, description: 'Use only the first N records of each dataset (a quick try; `editlab run --limit N`).' },
        },
      },
    },
    $defs: { ...defs, model, dataset, method, metric: metricItem, protocol },
  };
}
