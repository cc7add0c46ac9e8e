// Bounds on what a spec may ask of the validator and the planner, so that `editlab validate` ends
// in a located error — never a stack overflow, an exhausted heap or an hour of planning — on any
// input: the file size, the nesting depth (checked on the text, before the YAML library's
// recursive lexer and composer see it), the number of table rows a spec plans (the matrix
// product, counted before anything is expanded) and the number of cell tasks.
import { statSync } from 'node:fs';
import { SpecError } from '../errors';
import type { SourcePos, SpecDiagnostic } from '../errors';
import type { JsonValue } from '../util/json';
import { diagnosticAt, toPointer } from './source';
import type { SourceFile } from './source';
import type { Spec } from './types';

/** Largest spec file read (bytes): real specs are a few KiB. */
export const MAX_SPEC_BYTES = 128 * 1024;
/** Most problems listed for one spec (the rest are counted). */
export const MAX_DIAGNOSTICS = 50;
/** Deepest nesting of mappings and lists (real specs nest about 6 levels). */
export const MAX_DEPTH = 64;
/** Most table rows one spec may plan: models × datasets × method variants × protocols, matrices expanded. */
export const MAX_ROWS = 10_000;
/** Most cell tasks one plan may hold (rows × record chunks). */
export const MAX_CELLS = 200_000;

function at(file: string, text: string, offset: number): SourcePos {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { file, line, col: offset - start + 1 };
}

/** The first MAX_DIAGNOSTICS problems in `order`, and a last line counting the rest. */
export function firstDiagnostics(diags: SpecDiagnostic[], order: (a: SpecDiagnostic, b: SpecDiagnostic) => number): SpecDiagnostic[] {
  const sorted = diags.length > 10 * MAX_DIAGNOSTICS ? diags : diags.sort(order); // sorting 10^5 messages costs more than it shows
  if (sorted.length <= MAX_DIAGNOSTICS) return sorted;
  const shown = sorted.slice(0, MAX_DIAGNOSTICS).sort(order);
  const last = shown[shown.length - 1]!;
  return [...shown, { pos: last.pos, path: '', message: `… and ${sorted.length - MAX_DIAGNOSTICS} more problem(s); at most ${MAX_DIAGNOSTICS} are listed` }];
}

/** Refuse a spec file over MAX_SPEC_BYTES before reading it. */
export function checkSpecSize(abs: string, display: string): void {
  let size: number;
  try {
    size = statSync(abs).size;
  } catch {
    return; // the read reports it
  }
  if (size > MAX_SPEC_BYTES) {
    throw new SpecError([{ pos: { file: display, line: 1, col: 1 }, path: '', message: `spec file is ${size} bytes; at most ${MAX_SPEC_BYTES} bytes (128 KiB) are read` }]);
  }
}

/**
 * An upper estimate of the nesting depth of YAML text, in one linear pass without recursion:
 * block levels (a stack of indents), block indicators on one line (`- - x`), and flow brackets
 * outside quotes and comments. Throws a SpecError at the first place deeper than MAX_DEPTH.
 */
export function checkNesting(text: string, display: string): void {
  const indents: number[] = [];
  let flow = 0;
  let quote: '' | "'" | '"' = '';
  let blockScalarIndent = -1; // inside a `|`/`>` block scalar: lines indented deeper than this are text
  const fail = (offset: number) => {
    throw new SpecError([{ pos: at(display, text, offset), path: '', message: `nesting deeper than ${MAX_DEPTH} levels; at most ${MAX_DEPTH} nested mappings and lists are allowed` }]);
  };
  let i = 0;
  while (i < text.length) {
    const eol = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    let j = i;
    while (j < eol && text[j] === ' ') j++;
    const indent = j - i;
    const blank = j >= eol || text[j] === '#' || text[j] === '\r';
    if (blockScalarIndent >= 0 && (blank || indent > blockScalarIndent)) {
      i = eol + 1;
      continue;
    }
    blockScalarIndent = -1;
    if (!quote && flow === 0 && !blank) {
      while (indents.length && indents[indents.length - 1]! > indent) indents.pop();
      if (!indents.length || indents[indents.length - 1]! < indent) indents.push(indent);
    }
    let line = quote || flow > 0 ? 0 : indents.length;
    let prev = ''; // the previous non-space character on this line ('' at its start)
    for (let k = j; k < eol; k++) {
      const c = text[k]!;
      if (quote) {
        if (quote === '"' && c === '\\') k++;
        else if (c === quote) {
          if (quote === "'" && text[k + 1] === "'") k++;
          else quote = '';
        }
        continue;
      }
      if (c === '#' && (k === j || text[k - 1] === ' ' || text[k - 1] === '\t')) break;
      if ((c === '"' || c === "'") && (prev === '' || ':-?,[{'.includes(prev))) quote = c;
      else if ((c === '-' || c === '?') && flow === 0 && (prev === '' || prev === '-' || prev === '?') && (text[k + 1] === ' ' || k + 1 === eol)) line++;
      else if ((c === '[' || c === '{') && (flow > 0 || prev === '' || ':-?'.includes(prev))) flow++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
      else if ((c === '|' || c === '>') && flow === 0 && (prev === ':' || prev === '-' || prev === '')) blockScalarIndent = indent;
      if (line + flow > MAX_DEPTH) fail(k);
      if (c !== ' ' && c !== '\t') prev = c;
    }
    if (line + flow > MAX_DEPTH) fail(j);
    i = eol + 1;
  }
}

/** Number of variants a `matrix:` expands to, counted without expanding it. */
export function matrixSize(matrix: Record<string, readonly unknown[]> | undefined): number {
  return Object.values(matrix ?? {}).reduce((n, values) => n * values.length, 1);
}

/** Rows the spec plans, counted from the matrix sizes: refused above MAX_ROWS. */
export function rowCount(spec: Pick<Spec, 'models' | 'datasets' | 'methods' | 'protocols'>): number {
  const sum = (items: readonly { matrix?: Record<string, JsonValue[]> }[]) => items.reduce((n, x) => n + matrixSize(x.matrix), 0);
  return sum(spec.models) * sum(spec.datasets) * sum(spec.methods) * spec.protocols.length;
}

export function checkRowCount(spec: Spec, sources: readonly SourceFile[]): SpecDiagnostic[] {
  const rows = rowCount(spec);
  if (rows <= MAX_ROWS) return [];
  // Point at the largest matrix, the usual cause.
  let where = '';
  let largest = 1;
  for (const axis of ['models', 'datasets', 'methods'] as const) {
    spec[axis].forEach((x, i) => {
      const n = matrixSize(x.matrix);
      if (n > largest) [largest, where] = [n, toPointer([axis, i, 'matrix'])];
    });
  }
  const count = Number.isFinite(rows) ? String(rows) : 'more than 1e308';
  return [diagnosticAt(sources, where, `the spec plans ${count} table rows (models × datasets × method variants × protocols, matrices expanded); at most ${MAX_ROWS} are allowed`, 'split the sweep over several specs')];
}

/** Cell tasks a plan holds: one per row and record chunk (`chunkSize` of experiment-spec/protocol.ts, per dataset size). */
export function cellCount(rowsPerDataset: number, recordCounts: readonly number[], chunkSizes: (records: number) => readonly number[]): number {
  let n = 0;
  for (const records of recordCounts) for (const size of chunkSizes(records)) n += Math.ceil(records / Math.max(1, size));
  return n * rowsPerDataset;
}

/** Refuse a plan of more than MAX_CELLS cell tasks, before its cells are built. */
export function checkCellCount(cells: number, sources: readonly SourceFile[]): void {
  if (cells <= MAX_CELLS) return;
  throw new SpecError([diagnosticAt(sources, '/run/chunk', `the spec plans ${cells} cell tasks (rows × record chunks); at most ${MAX_CELLS} are allowed`, 'raise run.chunk or evaluate fewer records')]);
}
