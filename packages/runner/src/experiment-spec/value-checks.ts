// Checks on values that a JSON Schema cannot express: numbers that are not finite (`.inf`, `.nan`,
// `1e309` parse to Infinity/NaN, which JSON cannot hold), duplicate values in a matrix axis (they
// would give duplicate rows), control characters in output paths, and required params of an
// item whose `params:` is omitted (ajv's `if/then` branches never see an absent key).
import type { SpecDiagnostic } from '../errors';
import type { Registries } from '../registries';
import { isPlainObject, stableJson } from '../util/json';
import { diagnosticAt, toPointer } from './source';
import type { SourceFile } from './source';
import type { Spec } from './types';

export const AXES = ['models', 'datasets', 'methods'] as const;

/** `.inf`, `.nan` and numbers beyond double range (1e309) anywhere in the document. */
export function nonFiniteNumbers(value: unknown, sources: readonly SourceFile[]): SpecDiagnostic[] {
  const out: SpecDiagnostic[] = [];
  const stack: Array<{ v: unknown; path: (string | number)[] }> = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) out.push(diagnosticAt(sources, toPointer(path), nonFiniteMessage(v)));
    else if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    else if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: [...path, k] });
  }
  return out;
}

export function nonFiniteMessage(v: number): string {
  return `must be a finite number, got ${Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf'} (YAML .inf/.nan and numbers beyond ±1.8e308 are not finite)`;
}

/**
 * Required params of each item that neither `params:` nor `matrix:` gives. ajv cannot see these
 * when `params:` is omitted (its if/then branch only checks a present key), so `model: checkpoint`
 * without a path would validate and then fail in plan with a path ending in "undefined".
 */
function missingRequired(spec: Spec, reg: Registries, sources: readonly SourceFile[]): SpecDiagnostic[] {
  const out: SpecDiagnostic[] = [];
  const entries = { models: reg.models, datasets: reg.datasets, methods: reg.methods } as const;
  for (const axis of AXES) {
    spec[axis].forEach((item, i) => {
      const id = 'model' in item ? item.model : 'dataset' in item ? item.dataset : item.method;
      const required = entries[axis].get(id)?.paramsSchema['required'];
      for (const k of Array.isArray(required) ? required.map(String) : []) {
        if (item.params[k] === undefined && item.matrix?.[k] === undefined) out.push(diagnosticAt(sources, toPointer([axis, i, 'params']), `missing required key '${k}'`));
      }
    });
  }
  spec.metrics.forEach((m, i) => {
    const required = reg.metrics.get(typeof m === 'string' ? m : m.metric)?.paramsSchema?.['required'];
    const params = typeof m === 'string' ? {} : (m.params ?? {});
    for (const k of Array.isArray(required) ? required.map(String) : []) {
      if (params[k] === undefined) out.push(diagnosticAt(sources, toPointer(['metrics', i]), `missing required key '${k}' in params`));
    }
  });
  return out;
}

/** Duplicate values in one matrix axis (`lr: [1e-3, 0.001]`) would give two identical rows. */
function duplicateMatrixValues(spec: Spec, sources: readonly SourceFile[]): SpecDiagnostic[] {
  const out: SpecDiagnostic[] = [];
  for (const axis of AXES) {
    spec[axis].forEach((item, i) => {
      for (const [k, values] of Object.entries(item.matrix ?? {})) {
        const seen = new Map<string, number>();
        values.forEach((v, j) => {
          const id = stableJson(v);
          const first = seen.get(id);
          if (first === undefined) seen.set(id, j);
          else out.push(diagnosticAt(sources, toPointer([axis, i, 'matrix', k, j]), `duplicate value ${JSON.stringify(v)} in matrix '${k}' (also item ${first}); it would give two identical rows`, 'list each value once'));
        });
      }
    });
  }
  return out;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

function controlCharacters(spec: Spec, sources: readonly SourceFile[]): SpecDiagnostic[] {
  const paths: Array<[(string | number)[], string]> = [[['output'], spec.output], ...(spec.plots ?? []).map((p, i): [(string | number)[], string] => [['plots', i, 'output'], p.output])];
  return paths
    .filter(([, p]) => CONTROL.test(p))
    .map(([ptr, p]) => {
      const c = p.match(CONTROL)![0].charCodeAt(0);
      return diagnosticAt(sources, toPointer(ptr), `output path contains the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}${c === 0 ? ' (NUL)' : ''}; file names may not contain control characters`);
    });
}

/** The value checks that run on the validated spec. */
export function valueChecks(spec: Spec, reg: Registries, sources: readonly SourceFile[]): SpecDiagnostic[] {
  return [...missingRequired(spec, reg, sources), ...duplicateMatrixValues(spec, sources), ...controlCharacters(spec, sources)];
}
