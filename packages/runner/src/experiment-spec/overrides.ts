// `--set path=value` on the command line (Hydra's and lm-evaluation-harness's overrides): a value written
// into the loaded spec before it is validated, so an override is checked exactly like the file. A problem
// the override causes is reported at the flag (`--set methods.0.params.lr=x:1:28: /methods/0/params/lr: …`),
// not at the file it replaced. Paths are dotted (`methods.0.params.lr`, list items by 0-based index) or
// JSON pointers (`/methods/0/params/lr`); values are YAML (`1e-3`, `true`, `[1, 2]`, `{ n: 20 }`).
import { parse as parseYaml } from 'yaml';
import { SpecError, UsageError } from '../errors';
import type { SpecDiagnostic } from '../errors';
import { isPlainObject } from '../util/json';
import { pointerSegments, toPointer } from './source';
import type { LoadedSpec } from './load';

export interface Override {
  /** The flag's argument as given, `path=value`. */
  readonly arg: string;
  readonly path: readonly string[];
  readonly value: unknown;
}

export function parseOverride(arg: string): Override {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set ${arg}: expected path=value, e.g. --set methods.0.params.lr=1e-3`);
  const key = arg.slice(0, eq).trim();
  const path = key.startsWith('/') ? pointerSegments(key) : key.split('.');
  if (path.some((s) => s === '')) throw new UsageError(`--set ${arg}: '${key}' has an empty path segment`);
  if (path[0] === 'extends') throw new UsageError(`--set ${arg}: extends cannot be overridden (it names the files that are read)`);
  let value: unknown;
  try {
    value = parseYaml(arg.slice(eq + 1));
  } catch (e) {
    throw new UsageError(`--set ${arg}: the value is not YAML (${(e as Error).message.split('\n')[0]})`);
  }
  return { arg, path, value: value === undefined ? null : value };
}

/** The loaded spec with each override written in, in order; a path through a missing list item or a scalar is a usage error. */
export function applyOverrides(loaded: LoadedSpec, overrides: readonly Override[]): LoadedSpec {
  let value: unknown = loaded.value;
  for (const o of overrides) value = setAt(value, o.path, o.value, o);
  return { ...loaded, value: value as Record<string, unknown> };
}

function setAt(node: unknown, path: readonly string[], value: unknown, o: Override, depth = 0): unknown {
  if (depth === path.length) return value;
  const seg = path[depth]!;
  const where = toPointer(path.slice(0, depth)) || '/';
  if (Array.isArray(node)) {
    const i = Number(seg);
    if (!Number.isInteger(i) || i < 0 || i > node.length) {
      throw new UsageError(`--set ${o.arg}: ${where} is a list of ${node.length} item(s); '${seg}' is neither an item's index (0..${node.length - 1}) nor ${node.length} (append)`);
    }
    const copy = [...node];
    copy[i] = setAt(node[i], path, value, o, depth + 1);
    return copy;
  }
  if (node === undefined || node === null) return { [seg]: setAt(undefined, path, value, o, depth + 1) };
  if (!isPlainObject(node)) throw new UsageError(`--set ${o.arg}: ${where} is ${JSON.stringify(node)}, not a mapping or list`);
  return { ...node, [seg]: setAt(node[seg], path, value, o, depth + 1) };
}

/** Diagnostics at or under an overridden path point at the flag that wrote the value. */
export function atOverrides(e: SpecError, overrides: readonly Override[]): SpecError {
  if (!overrides.length) return e;
  const moved = e.diagnostics.map((d): SpecDiagnostic => {
    const segs = pointerSegments(d.path);
    const o = [...overrides].reverse().find((x) => x.path.every((s, i) => segs[i] === s));
    if (!o) return d;
    return { ...d, pos: { file: `--set ${o.arg}`, line: 1, col: o.arg.indexOf('=') + 2 } };
  });
  return new SpecError(moved);
}
