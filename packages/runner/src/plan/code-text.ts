// The text of a source file as the code identity (plan/provenance.ts) sees it: its code without comments
// or layout, so that a comment or a re-indentation does not re-key every cached cell, while any change a
// compiler sees does. TypeScript is reprinted by esbuild (the transpiler tsx runs the runner with, pinned
// in package.json): comments, whitespace and type annotations are gone, string and template contents
// stay. C sources lose their comments and runs of whitespace (a lexer that respects string and character
// literals); the gyp build file is hashed as written (its flags are the point).
import { transformSync } from 'esbuild';

/** TypeScript code with comments, whitespace and types removed (esbuild's printer, deterministic). */
export function tsCode(source: string, path: string): string {
  try {
    return transformSync(source, { loader: 'ts', legalComments: 'none', format: 'esm', target: 'es2022', sourcefile: path }).code;
  } catch {
    // A file that does not parse cannot run either; key it by its bytes so that the run fails as it would.
    return source;
  }
}

/** C/C++ code with comments removed and each run of whitespace outside literals reduced to one space. */
export function cCode(source: string): string {
  let out = '';
  let i = 0;
  let space = false;
  const n = source.length;
  const emit = (s: string) => {
    if (space && out.length > 0) out += ' ';
    space = false;
    out += s;
  };
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < n && source[i] !== '\n') i++;
      space = true;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      space = true;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      emit(source.slice(i, j + 1));
      i = j + 1;
    } else if (c === '\n') {
      // Preprocessor lines end at a newline: keep newlines, drop other layout.
      out += '\n';
      space = false;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      space = true;
      i++;
    } else {
      emit(c);
      i++;
    }
  }
  return out.replace(/\n+/g, '\n');
}

/** The text of one covered file that enters the code identity. */
export function codeText(path: string, bytes: Buffer): string | Buffer {
  if (path.endsWith('.ts')) return tsCode(bytes.toString('utf8'), path);
  if (path.endsWith('.c') || path.endsWith('.h')) return cCode(bytes.toString('utf8'));
  return bytes;
}
