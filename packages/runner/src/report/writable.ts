// The results directory is checked before anything is computed: each file a run will write must
// resolve (symbolic links followed) inside the results directory, no part of its path may be a
// file, and its directory must take a written and synced probe file. Write failures later (a disk
// that fills during the run) name the directory and the reason, not a temporary file's ENOENT.
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readlinkSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { RunnerError } from '../errors';

const REASONS: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a part of the path is a file, not a directory',
  EISDIR: 'the path is a directory',
  ENOENT: 'the directory cannot be created',
};

/** A RunnerError naming `target` for an operating-system error met while writing under it. */
export function writeError(e: unknown, target: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(e instanceof Error)) return e;
  return new RunnerError('RESULTS', `cannot write ${target}: ${REASONS[code] ?? e.message} (${code})`, { cause: e });
}

/** The real path of `p`: its nearest existing ancestor resolved, the rest appended. */
function realish(p: string): string {
  const rest: string[] = [];
  for (let cur = p; ; cur = dirname(cur)) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch {
      if (dirname(cur) === cur) return p;
      rest.push(basename(cur));
    }
  }
}

function isInside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The first existing path component of `p` that is not a directory, if any. */
function fileInPath(p: string): string | undefined {
  for (let cur = p; dirname(cur) !== cur; cur = dirname(cur)) {
    try {
      if (!statSync(cur).isDirectory()) return cur;
      return undefined;
    } catch {
      // does not exist yet: look at its parent
    }
  }
  return undefined;
}

/** Refuse, before computing, a run whose result files cannot be written where the spec says. */
export function checkResultsWritable(resultsDir: string, files: readonly string[]): void {
  const blocker = fileInPath(resultsDir);
  if (blocker) throw new RunnerError('RESULTS', `results directory ${resultsDir}: ${blocker} is a file, not a directory`);
  const realResults = realish(resultsDir);
  for (const dir of [...new Set(files.map(dirname))]) {
    const inPath = fileInPath(dir);
    if (inPath) throw new RunnerError('RESULTS', `cannot write ${dir}: ${inPath} is a file, not a directory`);
  }
  for (const f of files) {
    let real = realish(f);
    try {
      if (lstatSync(f).isSymbolicLink()) real = realish(resolve(dirname(f), readlinkSync(f)));
    } catch {
      // absent: realish resolved its directory
    }
    if (!isInside(realResults, real)) {
      throw new RunnerError('USAGE', `output ${f} resolves to ${real} through a symbolic link, outside the results directory ${realResults}`);
    }
  }
  for (const dir of [...new Set(files.map(dirname))]) probe(dir);
}

/** mkdir -p one level at a time: Node's recursive mkdirSync loops forever where a parent refuses with ENOENT (/proc). */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let cur = dir; !existsSync(cur); cur = dirname(cur)) {
    if (dirname(cur) === cur) break;
    missing.push(cur);
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

function probe(dir: string): void {
  const file = join(dir, `.editlab-write-probe.${process.pid}`);
  try {
    makeDirs(dir);
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, Buffer.alloc(4096));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw writeError(e, dir);
  } finally {
    rmSync(file, { force: true });
  }
}

/** Run `write` (the table's or a shard's files); an operating-system error names the results directory. */
export async function writingResults<T>(resultsDir: string, write: () => T | Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    throw writeError(e, `results in ${resultsDir}`);
  }
}
