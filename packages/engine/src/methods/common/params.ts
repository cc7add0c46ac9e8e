// Hyper-parameter schemas (JSON Schema draft 2020-12, the subset the runner's ajv validates) built from
// small typed property helpers, plus `defaultParams` (fill from the defaults) and `resolveParams` (defaults
// + a light validation of the same subset, so direct callers — tests, scripts — get the errors ajv would
// give). Each builder carries the TypeScript type of its value, so `ParamsOf<typeof props>` is the type a
// method's edit() receives (defineMethod, common/define.ts): `num()`/`int()` → number, `bool()` → boolean,
// `oneOf<T>()` → T, `layerList()` → number[], `group({...})` → the nested params object.
import type { MethodDef, ParamsSchema } from '../editor';
import { MethodParamError } from './errors';
import type { DefaultOrigin } from './defaults';

/** One property of a params schema; T is the type of its value (phantom on `default`). */
export interface PropSchema<T = unknown> {
  readonly type: 'number' | 'integer' | 'boolean' | 'string' | 'array' | 'object';
  readonly description: string;
  /** Absent only for optional properties (`optInt`): the method then picks its own default. */
  readonly default?: T;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly enum?: readonly unknown[];
  readonly items?: { readonly type: 'integer'; readonly minimum: number };
  readonly uniqueItems?: boolean;
  /** Nested params (`group`). */
  readonly properties?: Props;
  readonly additionalProperties?: false;
  /** Where the default comes from and the rule mapping it to a model (common/defaults.ts, docs/defaults.md). */
  readonly 'x-default'?: DefaultOrigin;
}

export type Props = { readonly [key: string]: PropSchema<unknown> };

/** The params object a schema's properties describe, every key present (optional ones may be undefined). */
export type ParamsOf<P extends Props> = { readonly [K in keyof P]: P[K] extends PropSchema<infer T> ? T : never };

type Range = { min?: number; max?: number; exclusiveMin?: number };

function range(r: Range): Pick<PropSchema, 'minimum' | 'maximum' | 'exclusiveMinimum'> {
  return {
    ...(r.min !== undefined ? { minimum: r.min } : {}),
    ...(r.max !== undefined ? { maximum: r.max } : {}),
    ...(r.exclusiveMin !== undefined ? { exclusiveMinimum: r.exclusiveMin } : {}),
  };
}

export const num = (def: number, description: string, r: Range = {}): PropSchema<number> => ({ type: 'number', description, default: def, ...range(r) });
export const int = (def: number, description: string, r: Range = {}): PropSchema<number> => ({ type: 'integer', description, default: def, ...range(r) });
/** An integer without a schema default: undefined unless the spec sets it (the method documents its fallback). */
export const optInt = (description: string, r: Range = {}): PropSchema<number | undefined> => ({ type: 'integer', description, ...range(r) });
export const bool = (def: boolean, description: string): PropSchema<boolean> => ({ type: 'boolean', description, default: def });
export const oneOf = <T extends string>(values: readonly T[], def: T, description: string): PropSchema<T> => ({ type: 'string', description, default: def, enum: values });
export const layerList = (description: string): PropSchema<readonly number[]> => ({
  type: 'array', description, default: [], items: { type: 'integer', minimum: 0 }, uniqueItems: true,
});
/** A nested params object (e.g. ForGet's `locate: {...}`), defaulting to its members' defaults. */
export const group = <P extends Props>(description: string, properties: P): PropSchema<ParamsOf<P>> => ({
  type: 'object', description, additionalProperties: false, properties, default: {} as ParamsOf<P>,
});

/** An object schema with additionalProperties false and every property required-with-default. */
export function objectSchema(title: string, properties: Props): ParamsSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

function props(schema: ParamsSchema): Props {
  return (schema.properties ?? {}) as Props;
}

function defaultsOf(p: Props): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(p)) {
    if (s.type === 'object') out[k] = defaultsOf(s.properties ?? {});
    else if (s.default !== undefined) out[k] = Array.isArray(s.default) ? [...(s.default as unknown[])] : s.default;
  }
  return out;
}

/** A params object with every property at its schema default (arrays copied, groups filled). */
export function defaultParams(def: Pick<MethodDef, 'paramsSchema'>): Record<string, unknown> {
  return defaultsOf(props(def.paramsSchema));
}

function checkValue(method: string, key: string, p: PropSchema, v: unknown): void {
  const bad = (why: string): never => {
    throw new MethodParamError(`${method}: param '${key}' ${why} (got ${JSON.stringify(v)})`);
  };
  if (v === undefined && p.default === undefined && p.type !== 'object') return; // optional, unset
  switch (p.type) {
    case 'boolean':
      if (typeof v !== 'boolean') bad('must be a boolean');
      return;
    case 'string':
      if (typeof v !== 'string') bad('must be a string');
      if (p.enum && !p.enum.includes(v)) bad(`must be one of ${p.enum.map((e) => JSON.stringify(e)).join(', ')}`);
      return;
    case 'array':
      if (!Array.isArray(v)) bad('must be an array of layer indices');
      for (const x of v as unknown[]) if (!Number.isInteger(x) || (x as number) < 0) bad('must contain non-negative integers');
      if (p.uniqueItems && new Set(v as unknown[]).size !== (v as unknown[]).length) bad('must not repeat a layer');
      return;
    case 'object':
      return; // resolved member by member (resolveProps)
    default: {
      if (typeof v !== 'number' || !Number.isFinite(v)) bad('must be a finite number');
      if (p.type === 'integer' && !Number.isInteger(v)) bad('must be an integer');
      const x = v as number;
      if (p.minimum !== undefined && x < p.minimum) bad(`must be ≥ ${p.minimum}`);
      if (p.maximum !== undefined && x > p.maximum) bad(`must be ≤ ${p.maximum}`);
      if (p.exclusiveMinimum !== undefined && x <= p.exclusiveMinimum) bad(`must be > ${p.exclusiveMinimum}`);
    }
  }
}

function resolveProps(method: string, prefix: string, p: Props, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  for (const key of Object.keys(given)) {
    if (!(key in p)) throw new MethodParamError(`${method}: unknown param '${prefix}${key}' (allowed: ${Object.keys(p).join(', ')})`);
  }
  const out = defaultsOf(p);
  for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = v;
  for (const [k, schema] of Object.entries(p)) {
    if (schema.type === 'object') {
      const v = out[k];
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MethodParamError(`${method}: param '${prefix}${k}' must be a mapping (got ${JSON.stringify(v)})`);
      out[k] = resolveProps(method, `${prefix}${k}.`, schema.properties ?? {}, v as Record<string, unknown>);
    } else checkValue(method, `${prefix}${k}`, schema, out[k]);
  }
  return out;
}

/** Defaults + given params, checked against the schema (unknown keys, types, enums, ranges; groups recursively). */
export function resolveParams(def: Pick<MethodDef, 'id' | 'paramsSchema'>, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return resolveProps(def.id, '', props(def.paramsSchema), given);
}
