// Load a spec file and everything it `extends:` (lm-evaluation-harness's `include`) into one object.
// Objects merge key by key, the extending file winning; arrays and scalars are replaced whole.
// Relative paths resolve against the file that names them; cycles are reported with the chain.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { SpecError } from '../errors';
import { isPlainObject } from '../util/json';
import { parseYamlFile, diagnosticAt } from './source';
import { extendsRefusal, specRoot } from './references';
import type { SourceFile } from './source';

export interface LoadedSpec {
  /** The merged document without its `extends` key, not yet validated. */
  readonly value: Record<string, unknown>;
  /** Child first, then each ancestor: the order `locate` searches in. */
  readonly sources: readonly SourceFile[];
  readonly file: string;
}

export function displayPath(abs: string, cwd = process.cwd()): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

export function loadSpec(path: string, cwd = process.cwd()): LoadedSpec {
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) {
    throw new SpecError([{ pos: { file: path, line: 1, col: 1 }, path: '', message: `spec file not found: ${abs}` }]);
  }
  const sources: SourceFile[] = [];
  const value = loadChain(abs, [], sources, cwd, specRoot(abs));
  return { value, sources, file: abs };
}

function loadChain(abs: string, stack: readonly string[], sources: SourceFile[], cwd: string, root: string): Record<string, unknown> {
  const { src, value } = parseYamlFile(abs, displayPath(abs, cwd));
  sources.push(src);
  if (!isPlainObject(value)) {
    throw new SpecError([diagnosticAt([src], '', 'a spec must be a YAML mapping (key: value pairs) at the top level')]);
  }
  const ext = value['extends'];
  const { extends: _drop, ...own } = value;
  if (ext === undefined) return own;
  const here = [src];
  if (typeof ext !== 'string' || ext.trim() === '') {
    throw new SpecError([diagnosticAt(here, '/extends', 'must be a relative path to another spec file (string)')]);
  }
  if (isAbsolute(ext)) {
    throw new SpecError([diagnosticAt(here, '/extends', `must be relative to this file, got absolute path '${ext}'`)]);
  }
  const target = resolve(dirname(abs), ext);
  const chain = [...stack, abs];
  if (chain.includes(target)) {
    const names = [...chain.slice(chain.indexOf(target)), target].map((p) => displayPath(p, cwd));
    throw new SpecError([diagnosticAt(here, '/extends', `extends cycle: ${names.join(' → ')}`)]);
  }
  if (!existsSync(target)) {
    throw new SpecError([diagnosticAt(here, '/extends', `cannot extend '${ext}': no such file (${target})`)]);
  }
  const refused = extendsRefusal(target, root);
  if (refused) throw new SpecError([diagnosticAt(here, '/extends', `cannot extend '${ext}': ${refused}`)]);
  const base = loadChain(target, chain, sources, cwd, root);
  return deepMerge(base, own);
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}
