// YAML 1.2 source files with positions: every JSON pointer into a parsed file maps back to
// file:line:col through the document's CST ranges and a LineCounter.
import { readFileSync } from 'node:fs';
import { parseDocument, LineCounter, isMap, isSeq, isScalar, isAlias, isPair, visit } from 'yaml';
import type { Document, Node, ParsedNode } from 'yaml';
import { SpecError } from '../errors';
import type { SourcePos, SpecDiagnostic } from '../errors';
import { checkNesting, checkSpecSize, MAX_DEPTH } from './limits';

/** Aliases allowed per document: enough for real specs, far too few for a "billion laughs" bomb. */
export const MAX_ALIAS_COUNT = 100;

export interface SourceFile {
  /** Path as shown in messages (relative to the working directory when inside it). */
  readonly display: string;
  readonly abs: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

export function posAt(src: SourceFile, offset: number): SourcePos {
  const { line, col } = src.lines.linePos(offset);
  return { file: src.display, line, col };
}

/** Parse one YAML file into a plain value; syntax errors and alias bombs become SpecErrors. */
export function parseYamlFile(abs: string, display: string, text?: string): { src: SourceFile; value: unknown } {
  let body: string;
  if (text === undefined) checkSpecSize(abs, display);
  try {
    body = text ?? readFileSync(abs, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory, not a spec file' : `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    throw new SpecError([{ pos: { file: display, line: 1, col: 1 }, path: '', message: `${abs} ${why}` }]);
  }
  checkNesting(body, display);
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(body, { lineCounter: lines, prettyErrors: false, version: '1.2', uniqueKeys: true });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // checkNesting's estimate let through something the YAML library's recursion cannot take.
    throw new SpecError([{ pos: { file: display, line: 1, col: 1 }, path: '', message: `nesting too deep for the YAML parser; at most ${MAX_DEPTH} nested mappings and lists are allowed` }]);
  }
  const src: SourceFile = { display, abs, doc, lines };
  if (doc.errors.length) {
    throw new SpecError(
      doc.errors.map((e) => ({
        pos: posAt(src, e.pos[0]),
        path: '',
        message: `YAML syntax error: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    const undef = undefinedAlias(doc);
    if (undef) throw new SpecError([{ pos: posAt(src, undef.offset), path: '', message: `undefined YAML alias '*${undef.name}': no anchor '&${undef.name}' is set before it` }]);
    const first = firstAlias(doc);
    throw new SpecError([
      {
        pos: first ? posAt(src, first) : { file: display, line: 1, col: 1 },
        path: '',
        message: `YAML aliases expand too much (${(e as Error).message}); at most ${MAX_ALIAS_COUNT} alias expansions are allowed`,
      },
    ]);
  }
  return { src, value };
}

function undefinedAlias(doc: Document.Parsed): { name: string; offset: number } | undefined {
  let found: { name: string; offset: number } | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      found = { name: node.source, offset: node.range?.[0] ?? 0 };
      return visit.BREAK;
    },
  });
  return found;
}

function firstAlias(doc: Document.Parsed): number | undefined {
  let at: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  return at;
}

/** Split a JSON pointer ("/a/0/b") into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The node at `segments` in a document (the key node when `key` and the last step is a map key). */
function nodeAt(src: SourceFile, segments: readonly string[], key: boolean): Node | undefined {
  let node: unknown = src.doc.contents;
  for (let i = 0; i < segments.length; i++) {
    if (isAlias(node)) node = node.resolve(src.doc);
    const seg = segments[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return undefined;
      if (key && i === segments.length - 1) return pair.key as Node;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[Number(seg)];
    } else {
      return undefined;
    }
    if (node === undefined || node === null) return undefined;
  }
  return node as Node | undefined;
}

/**
 * Where a pointer into the resolved spec was written. `sources` is ordered child first (the file
 * that `extends:` others comes before them), which is also the override order; when no file has
 * the exact node, the nearest enclosing node is reported.
 */
export function locate(sources: readonly SourceFile[], pointer: string, preferKey = false): SourcePos {
  const segs = pointerSegments(pointer);
  for (let len = segs.length; len >= 0; len--) {
    for (const src of sources) {
      const node = nodeAt(src, segs.slice(0, len), preferKey && len === segs.length);
      const offset = (node as ParsedNode | undefined)?.range?.[0];
      if (offset !== undefined) return posAt(src, offset);
    }
  }
  const first = sources[0];
  return { file: first?.display ?? '<spec>', line: 1, col: 1 };
}

export function diagnosticAt(
  sources: readonly SourceFile[],
  pointer: string,
  message: string,
  hint?: string,
  preferKey = false,
): SpecDiagnostic {
  return { pos: locate(sources, pointer, preferKey), path: pointer, message, ...(hint ? { hint } : {}) };
}
