// Validate a loaded spec against the registry-built schema with ajv (draft 2020-12, strict,
// allErrors, additionalProperties:false everywhere) and turn every ajv error into a diagnostic with
// file:line:col, the JSON path, a message and "did you mean …"/allowed values. Then the checks a
// schema cannot express: output inside results/, swept keys not also fixed, unique row labels.
import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { dirname, normalize, isAbsolute } from 'node:path';
import { SpecError } from '../errors';
import type { SpecDiagnostic } from '../errors';
import type { EntryBase, JsonSchema, Registries } from '../registries';
import { hintFor } from '../util/suggest';
import { isPlainObject } from '../util/json';
import type { JsonObject, JsonValue } from '../util/json';
import { buildSchema } from './schema';
import { methodChecks } from './method-checks';
import { diagnosticAt, pointerSegments, toPointer } from './source';
import type { LoadedSpec } from './load';
import type { Spec } from './types';
import { metricUses } from './types';
import { nonFiniteMessage, nonFiniteNumbers, valueChecks } from './value-checks';
import { checkRowCount, firstDiagnostics } from './limits';
import { missingReferences } from './references';
import { DEFAULT_KEYWORD, ruleProps } from './rule-defaults';
import { expandHubShorthand } from './hub-shorthand';

export function compileSchema(schema: JsonSchema): ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, verbose: true, useDefaults: true });
  ajv.addVocabulary([DEFAULT_KEYWORD]); // where a method param's default comes from (an annotation)
  return ajv.compile(schema);
}

const validators = new WeakMap<Registries, ValidateFunction>();

function validatorFor(reg: Registries): ValidateFunction {
  let v = validators.get(reg);
  if (!v) {
    v = compileSchema(buildSchema(reg));
    validators.set(reg, v);
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (isPlainObject(v)) return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function toDiagnostic(e: ErrorObject, spec: LoadedSpec): SpecDiagnostic | undefined {
  const src = spec.sources;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'if':
    case 'else':
      return undefined; // the failing `then` branch reports its own, more precise errors
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      const props = (e.parentSchema as { properties?: object } | undefined)?.properties ?? {};
      return diagnosticAt(src, `${e.instancePath}/${key}`, `unknown key '${key}'`, hintFor(key, Object.keys(props).sort()), true);
    }
    case 'enum': {
      const allowed = (p['allowedValues'] as unknown[]).map(String);
      return diagnosticAt(src, e.instancePath, `${describe(e.data)} is not allowed`, hintFor(String(e.data), allowed));
    }
    case 'required':
      return diagnosticAt(src, e.instancePath, `missing required key '${String(p['missingProperty'])}'`);
    case 'type':
      if (typeof e.data === 'number' && !Number.isFinite(e.data)) return diagnosticAt(src, e.instancePath, nonFiniteMessage(e.data));
      return diagnosticAt(src, e.instancePath, `must be ${String(p['type'])}, got ${describe(e.data)}`);
    case 'not':
      return diagnosticAt(src, e.instancePath, `${describe(e.data)} is not allowed: nothing of this kind is registered in this build`);
    case 'false schema': {
      const key = pointerSegments(e.instancePath).pop() ?? '';
      return diagnosticAt(src, e.instancePath, `key '${key}' is not allowed here`, undefined, true);
    }
    default:
      return diagnosticAt(src, e.instancePath, `${e.message ?? 'invalid'}${e.data !== undefined && typeof e.data !== 'object' ? ` (got ${describe(e.data)})` : ''}`);
  }
}

function semanticChecks(spec: Spec, loaded: LoadedSpec, reg: Registries): SpecDiagnostic[] {
  const out: SpecDiagnostic[] = [];
  const src = loaded.sources;
  const escapes = (p: string) => isAbsolute(p) || normalize(p).split(/[\\/]/).includes('..');
  if (escapes(spec.output)) {
    out.push(diagnosticAt(src, '/output', `output '${spec.output}' escapes the results directory`, 'use a path like tables/t1.csv'));
  }
  const metricColumns = metricUses(spec).map((u) => u.column);
  (spec.plots ?? []).forEach((p, i) => {
    if (escapes(p.output)) out.push(diagnosticAt(src, toPointer(['plots', i, 'output']), `output '${p.output}' escapes the results directory`, 'use a path like figures/f4.svg'));
    p.metrics.forEach((m, j) => {
      if (!metricColumns.includes(m)) out.push(diagnosticAt(src, toPointer(['plots', i, 'metrics', j]), `'${m}' is not a metric column of this table`, hintFor(m, metricColumns)));
    });
    if (p.kind === 'radar' && p.metrics.length < 3) out.push(diagnosticAt(src, toPointer(['plots', i, 'metrics']), 'a radar plot needs at least 3 metrics'));
  });
  for (const axis of ['models', 'datasets', 'methods'] as const) {
    spec[axis].forEach((m, i) => {
      for (const k of Object.keys(m.matrix ?? {})) {
        const raw = (loaded.value[axis] as { params?: object }[] | undefined)?.[i]?.params ?? {};
        if (k in raw) {
          out.push(diagnosticAt(src, toPointer([axis, i, 'matrix', k]), `'${k}' is both fixed in params and swept in matrix`, 'keep one of them', true));
        }
      }
    });
  }
  if (spec.rows === 'per-record') {
    spec.methods.forEach((m, i) => {
      if (m.seeds?.length) out.push(diagnosticAt(src, toPointer(['methods', i, 'seeds']), '`seeds:` reports a mean and sd over seeds per row; a per-record table has one row per record', 'remove `rows: per-record`, or run one seed per spec'));
    });
  }
  const columns = new Map<string, number>();
  const uses = metricUses(spec);
  uses.forEach((u, i) => {
    if (reg.metrics.get(u.id)?.text && spec.rows !== 'per-record') {
      out.push(diagnosticAt(src, toPointer(['metrics', i]), `'${u.id}' is a text column; it needs one row per record`, 'add `rows: per-record`'));
    }
    const missing = (reg.metrics.get(u.id)?.derive?.from ?? []).filter((id) => !uses.some((x) => x.id === id));
    if (missing.length) {
      out.push(diagnosticAt(src, toPointer(['metrics', i]), `'${u.id}' is computed from ${missing.map((m) => `'${m}'`).join(', ')}, which the spec does not measure`, `add ${missing.join(', ')} to metrics`));
    }
    if (columns.has(u.column)) {
      out.push(diagnosticAt(src, toPointer(['metrics', i]), `metric column '${u.column}' appears twice (also item ${columns.get(u.column)})`, 'give one a distinct `label:`'));
    } else columns.set(u.column, i);
  });
  // A method's constant column may not take the name of a column the table writes anyway.
  const reserved = new Set(['model', 'dataset', 'method', 'hparams', 'protocol', 'n', 'record', 'seed', 'status', 'error']);
  spec.methods.forEach((m, i) => {
    for (const name of Object.keys(m.columns ?? {})) {
      if (reserved.has(name) || columns.has(name)) {
        out.push(diagnosticAt(src, toPointer(['methods', i, 'columns', name]), `column '${name}' is already a column of the table`, 'name the constant column differently'));
      }
    }
  });
  for (const [axis, tag] of [['models', 'model'], ['datasets', 'dataset'], ['methods', 'method']] as const) {
    const seen = new Map<string, number>();
    (spec[axis] as unknown as readonly { label?: string; [k: string]: unknown }[]).forEach((item, i) => {
      if ((item as { matrix?: object }).matrix) return; // swept rows get distinct labels from their params
      const label = item.label ?? String(item[tag]);
      if (seen.has(label)) {
        out.push(diagnosticAt(src, toPointer([axis, i]), `duplicate ${tag} label '${label}' (also item ${seen.get(label)})`, 'give each a distinct `label:`'));
      } else seen.set(label, i);
    });
  }
  return out;
}

function byPosition(a: SpecDiagnostic, b: SpecDiagnostic): number {
  return a.pos.file.localeCompare(b.pos.file) || a.pos.line - b.pos.line || a.pos.col - b.pos.col || a.message.localeCompare(b.message);
}

/** Validate and fill defaults; throws SpecError listing every problem, sorted by position. */
export function validateSpec(loaded: LoadedSpec, reg: Registries): Spec {
  const doc = structuredClone(loaded.value);
  const validate = validatorFor(reg);
  const nonFinite = nonFiniteNumbers(loaded.value, loaded.sources);
  if (!validate(doc) || nonFinite.length) {
    const seen = new Set<string>(nonFinite.map((d) => `${d.path}|${d.message}`));
    const diags: SpecDiagnostic[] = [...nonFinite];
    for (const e of validate.errors ?? []) {
      const d = toDiagnostic(e, loaded);
      const id = d && `${d.path}|${d.message}`;
      if (d && !seen.has(id!)) {
        seen.add(id!);
        diags.push(d);
      }
    }
    throw new SpecError(firstDiagnostics(diags, byPosition));
  }
  const models = (doc as { models: JsonObject[] }).models;
  (doc as { models: JsonObject[] }).models = models.map(expandHubShorthand);
  const spec = withAxisDefaults(doc as unknown as Spec, reg, loaded.value as JsonObject);
  // The row bound first: the method checks expand every matrix, which an unbounded sweep must not reach.
  const rows = checkRowCount(spec, loaded.sources);
  const extra = [
    ...semanticChecks(spec, loaded, reg),
    ...(rows.length ? rows : methodChecks(spec, loaded, reg, { seed: spec.seed, specDir: dirname(loaded.file) })),
    ...valueChecks(spec, reg, loaded.sources),
  ];
  if (!extra.length) extra.push(...missingReferences(spec, reg, dirname(loaded.file), loaded.sources));
  if (extra.length) throw new SpecError(firstDiagnostics(extra, byPosition));
  return spec;
}

/** Fill `default`s of a params schema (ajv's useDefaults does not reach into if/then branches). */
export function applyDefaults(schema: JsonSchema, value: JsonObject): JsonObject {
  const props = schema['properties'];
  if (!isPlainObject(props)) return value;
  const out: JsonObject = { ...value };
  for (const [k, sub] of Object.entries(props)) {
    if (!isPlainObject(sub)) continue;
    if (out[k] === undefined && sub['default'] !== undefined) out[k] = structuredClone(sub['default'] as JsonValue);
    const cur = out[k];
    if (isPlainObject(cur)) out[k] = applyDefaults(sub as JsonSchema, cur as JsonObject);
  }
  return out;
}

function withAxisDefaults(s: Spec, reg: Registries, written: JsonObject): Spec {
  // With `defaults: rule`, a method param that has a rule is left unset here: the plan sets it per model.
  const byRule = (schema: JsonSchema): JsonSchema => {
    if (s.defaults !== 'rule') return schema;
    const ruled = ruleProps(schema);
    const props = Object.fromEntries(Object.entries((schema['properties'] ?? {}) as Record<string, JsonObject>).map(([k, p]) => [k, k in ruled ? { ...p, default: undefined } : p]));
    return { ...schema, properties: props } as JsonSchema;
  };
  // ajv's useDefaults has already filled every default into a params object the spec wrote; a rule param
  // the spec itself did not write is unset again, so that the plan gives it the rule's value.
  const writtenMethods = (Array.isArray(written['methods']) ? written['methods'] : []) as JsonObject[];
  const asWritten = (params: JsonObject | undefined, i: number, schema: JsonSchema): JsonObject => {
    if (s.defaults !== 'rule' || !params) return params ?? {};
    const w = writtenMethods[i]?.['params'];
    const wrote = isPlainObject(w) ? (w as JsonObject) : {};
    const ruled = ruleProps(schema);
    return Object.fromEntries(Object.entries(params).filter(([k]) => !(k in ruled) || k in wrote));
  };
  const fill = <T extends { params?: JsonObject }>(xs: readonly T[], tag: keyof T, entries: ReadonlyMap<string, EntryBase>) =>
    xs.map((x, i) => {
      const schema = entries.get(String(x[tag]))!.paramsSchema;
      return { ...x, params: entries === reg.methods ? applyDefaults(byRule(schema), asWritten(x.params, i, schema)) : applyDefaults(schema, x.params ?? {}) };
    });
  return {
    ...s,
    seed: s.seed ?? 0,
    protocols: s.protocols ?? [{ kind: 'single' }],
    run: { chunk: s.run?.chunk ?? 50, ...(s.run?.limit !== undefined ? { limit: s.run.limit } : {}) },
    rows: s.rows ?? 'aggregate',
    models: fill(s.models, 'model', reg.models),
    datasets: fill(s.datasets, 'dataset', reg.datasets),
    methods: fill(s.methods, 'method', reg.methods),
    metrics: s.metrics.map((m) =>
      typeof m === 'string' ? m : { ...m, params: applyDefaults(reg.metrics.get(m.metric)!.paramsSchema ?? {}, m.params ?? {}) },
    ),
  } as Spec;
}
