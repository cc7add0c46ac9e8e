// Hyper-parameter schemas (JSON Schema draft 2020-12, the subset the runner's ajv validates) built from
// small property helpers, plus `defaultParams` (fill from the defaults) and `resolveParams` (defaults +
// a light validation of the same subset, so direct callers — tests, scripts — get the errors ajv would give).
import type { MethodDef, ParamsSchema } from '../editor';
import { MethodParamError } from './errors';

export interface PropSchema {
  readonly type: 'number' | 'integer' | 'boolean' | 'string' | 'array';
  readonly description: string;
  readonly default: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly enum?: readonly unknown[];
  readonly items?: { readonly type: 'integer'; readonly minimum: number };
  readonly uniqueItems?: boolean;
}

type Range = { min?: number; max?: number; exclusiveMin?: number };

function range(r: Range): Partial<PropSchema> {
  return {
    ...(r.min !== undefined ? { minimum: r.min } : {}),
    ...(r.max !== undefined ? { maximum: r.max } : {}),
    ...(r.exclusiveMin !== undefined ? { exclusiveMinimum: r.exclusiveMin } : {}),
  };
}

export const num = (def: number, description: string, r: Range = {}): PropSchema => ({ type: 'number', description, default: def, ...range(r) });
export const int = (def: number, description: string, r: Range = {}): PropSchema => ({ type: 'integer', description, default: def, ...range(r) });
export const bool = (def: boolean, description: string): PropSchema => ({ type: 'boolean', description, default: def });
export const oneOf = <T extends string>(values: readonly T[], def: T, description: string): PropSchema => ({ type: 'string', description, default: def, enum: values });
export const layerList = (description: string): PropSchema => ({
  type: 'array', description, default: [], items: { type: 'integer', minimum: 0 }, uniqueItems: true,
});

/** An object schema with additionalProperties false and every property required-with-default. */
export function objectSchema(title: string, properties: Record<string, PropSchema>): ParamsSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

function props(schema: ParamsSchema): Record<string, PropSchema> {
  return (schema.properties ?? {}) as Record<string, PropSchema>;
}

/** A params object with every property at its schema default (arrays copied). */
export function defaultParams(def: Pick<MethodDef, 'paramsSchema'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(props(def.paramsSchema))) out[k] = Array.isArray(p.default) ? [...p.default] : p.default;
  return out;
}

function checkValue(method: string, key: string, p: PropSchema, v: unknown): void {
  const bad = (why: string): never => {
    throw new MethodParamError(`${method}: param '${key}' ${why} (got ${JSON.stringify(v)})`);
  };
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

/** Defaults + given params, checked against the schema (unknown keys, types, enums, ranges). */
export function resolveParams(def: Pick<MethodDef, 'id' | 'paramsSchema'>, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const p = props(def.paramsSchema);
  for (const key of Object.keys(given)) {
    if (!(key in p)) throw new MethodParamError(`${def.id}: unknown param '${key}' (allowed: ${Object.keys(p).join(', ')})`);
  }
  const out = defaultParams(def);
  for (const [k, v] of Object.entries(given)) if (v !== undefined) out[k] = v;
  for (const [k, schema] of Object.entries(p)) checkValue(def.id, k, schema, out[k]);
  return out;
}
