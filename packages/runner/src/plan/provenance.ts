// What computed a cell, as part of every task key (plan/graph.ts) and of every cache entry
// (exec/cache.ts): the identity of the code that computes numbers plus the environment (backend,
// kernel path, native build flags: defaults.ts environment()). Package versions never change, so
// they cannot tell a stale cached cell from a fresh one; a hash of the sources can. README.md,
// "Reproducibility", says what this guarantees.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentKey, sha256 } from '../util/json';
import { codeText } from './code-text';
import type { JsonObject } from '../util/json';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The sources whose change can change a number in a table: the engine (model, methods, kernels, and the
 * native addon's C sources and build file), the metrics and datasets packages, and the runner's code
 * that computes cell values (adapters onto those packages, the cell loop, the pretraining of the default
 * models). Paths are relative to the repository root.
 */
export const CODE_SOURCES: readonly string[] = [
  'packages/engine/src',
  'packages/engine/native/src',
  'packages/engine/native/binding.gyp',
  'packages/metrics/src',
  'packages/datasets/src',
  'packages/runner/src/adapters',
  'packages/runner/src/pretrain',
  'packages/runner/src/exec/cell.ts',
];

const SOURCE_FILE = /\.(ts|c|h|gyp)$/;
/** Tests and test helpers compute nothing that lands in a table. */
const NOT_CODE = [/\.spec\.ts$/, /(^|\/)testing(\/|\.ts$)/, /(^|\/)(fixtures|demo|bench)\.ts$/, /(^|\/)fake-[^/]*\.ts$/];

export interface CodeIdentity {
  /** sha256 over (path, sha256 of its code text: plan/code-text.ts) of every source file, in sorted path order. */
  readonly sha256: string;
  readonly files: number;
}

function walk(abs: string, out: string[]): void {
  if (!existsSync(abs)) return;
  if (statSync(abs).isFile()) {
    out.push(abs);
    return;
  }
  for (const name of readdirSync(abs)) walk(join(abs, name), out);
}

/** The source files CODE_SOURCES covers, as sorted root-relative POSIX paths. */
export function codeFiles(root = REPO_ROOT): string[] {
  const abs: string[] = [];
  for (const s of CODE_SOURCES) walk(join(root, s), abs);
  return abs
    .map((p) => relative(root, p).split(sep).join('/'))
    .filter((p) => SOURCE_FILE.test(p) && !NOT_CODE.some((re) => re.test(p)))
    .sort();
}

const identities = new Map<string, CodeIdentity>();

/** Identity of the code that computes numbers: computed once per process (per root). */
export function codeIdentity(root = REPO_ROOT): CodeIdentity {
  let id = identities.get(root);
  if (!id) {
    const files = codeFiles(root);
    const lines = files.map((f) => `${f}\0${sha256(codeText(f, readFileSync(join(root, f))))}\n`);
    id = { sha256: sha256(lines.join('')), files: files.length };
    identities.set(root, id);
  }
  return id;
}

/**
 * The part of an environment that is recorded but not keyed: the machine (the instruction set the native
 * build targets, the BLAS core selected at run time). Results on different machines with the same code,
 * backend, kernel path and build flags agree within the stated tolerance (README.md, "Reproducibility"),
 * so a cache or the shards of one run may span machines; each cell's meta.json entry says which one
 * computed it.
 */
export const UNKEYED_ENVIRONMENT = 'machine';

/** The code version in every task key: the runner's plan format, the code identity and the environment
 * (backend, kernel path, build flags, package versions), without its `machine` part. */
export function planCodeVersion(environment: JsonObject, root = REPO_ROOT): string {
  const { [UNKEYED_ENVIRONMENT]: _machine, ...keyed } = environment;
  return contentKey({ runner: 'plan-v2', code: codeIdentity(root).sha256, environment: keyed });
}
