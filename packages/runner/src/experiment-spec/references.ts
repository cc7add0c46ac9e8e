// Files a spec refers to. `extends:` may only name a .yaml/.yml file inside the spec's root: the
// git working tree that holds the spec named on the command line (the nearest directory above it
// with a `.git`), or that spec's own directory when it is in none. Symlinks are resolved first, so
// a link cannot lead out. Files and directories named in params (an entry's `paths`: a dataset
// file, a checkpoint directory; a metric's: an MMLU file or directory) must exist when the spec is validated.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, isAbsolute, resolve } from 'node:path';
import type { SpecDiagnostic } from '../errors';
import type { EntryBase, Registries } from '../registries';
import { diagnosticAt, toPointer } from './source';
import type { SourceFile } from './source';
import { metricUses, type Spec } from './types';
import { AXES } from './value-checks';

/** The directory `extends:` targets must stay inside, for the spec named on the command line. */
export function specRoot(entryFile: string): string {
  const start = dirname(realOrSelf(entryFile));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Why `extends:` may not name `target` (which exists), or undefined when it may. */
export function extendsRefusal(target: string, root: string): string | undefined {
  const ext = extname(target).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml') return `must name a .yaml or .yml spec file, got '${extname(target) || 'no extension'}'`;
  const real = realOrSelf(target);
  if (!inside(root, real)) return `resolves to ${real}, outside ${root} (extends may only name specs inside the spec's repository, or its directory when it is in none)`;
  return undefined;
}

/** Each path param an entry declares (`EntryBase.paths`) that names nothing of the right kind. */
export function missingReferences(spec: Spec, reg: Registries, specDir: string, sources: readonly SourceFile[]): SpecDiagnostic[] {
  const out: SpecDiagnostic[] = [];
  const entries: Record<(typeof AXES)[number], ReadonlyMap<string, EntryBase>> = { models: reg.models, datasets: reg.datasets, methods: reg.methods };
  for (const axis of AXES) {
    spec[axis].forEach((item, i) => {
      const id = 'model' in item ? item.model : 'dataset' in item ? item.dataset : item.method;
      for (const [param, kind] of Object.entries(entries[axis].get(id)?.paths ?? {})) {
        const given = item.params[param];
        // A list param (e.g. the facts model's files) names one path per element.
        const uses: Array<[(string | number)[], unknown]> = Array.isArray(given)
          ? given.map((v, j): [(string | number)[], unknown] => [[axis, i, 'params', param, j], v])
          : [[[axis, i, 'params', param], given]];
        (item.matrix?.[param] ?? []).forEach((v, j) => uses.push([[axis, i, 'matrix', param, j], v]));
        for (const [ptr, value] of uses) {
          if (typeof value !== 'string' || value === '') continue;
          const why = referenceProblem(resolve(specDir, value), kind);
          if (why) out.push(diagnosticAt(sources, toPointer(ptr), `'${value}' ${why}`, `${param} is relative to ${specDir}`));
        }
      }
    });
  }
  metricUses(spec).forEach((use, i) => {
    for (const [param, kind] of Object.entries(reg.metrics.get(use.id)?.paths ?? {})) {
      const value = use.params[param];
      if (typeof value !== 'string' || value === '') continue;
      const why = referenceProblem(resolve(specDir, value), kind);
      if (why) out.push(diagnosticAt(sources, toPointer(['metrics', i, 'params', param]), `'${value}' ${why}`, `${param} is relative to ${specDir}`));
    }
  });
  return out;
}

function referenceProblem(abs: string, kind: 'file' | 'directory' | 'any'): string | undefined {
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    return `does not exist (${abs})`;
  }
  if (kind === 'any') return undefined;
  if (kind === 'file' && isDir) return `is a directory, not a file (${abs})`;
  if (kind === 'directory' && !isDir) return `is a file, not a directory (${abs})`;
  return undefined;
}
