// Reading dataset files: JSON arrays, JSON Lines (TOFU *_perturbed.json are JSON Lines despite the
// name), with parse errors located by line. Text must be valid UTF-8 (RFC 3629): a file with invalid
// bytes is refused at the first of them, not read with U+FFFD silently in their place.
import { readFileSync } from 'node:fs';
import { DatasetError } from '../errors';

export function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new DatasetError('DATASET_READ', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return decodeUtf8(bytes, file);
}

/** Strict UTF-8 decoding (a leading BOM is kept, as readFileSync(…, 'utf8') keeps it). */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    throw new DatasetError('DATASET_READ', `${file}: invalid UTF-8 at byte ${at} (line ${line}, byte 0x${bytes[at]?.toString(16).padStart(2, '0') ?? 'end'}); save the file as UTF-8`);
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629 §4); length if none. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined) return i;
      if (k === 1 ? x < lo || x > hi : x < 0x80 || x > 0xbf) return i;
    }
    i += n + 1;
  }
  return i;
}

/** True when the text is JSON Lines (several top-level values, one per line) rather than one JSON value. */
export function looksLikeJsonLines(text: string): boolean {
  const t = text.trimStart();
  if (!t.startsWith('{')) return false;
  const first = t.split('\n', 1)[0]!.trim();
  try {
    JSON.parse(first);
    return t.trim() !== first;
  } catch {
    return false;
  }
}

/** Records of a JSON array or JSON Lines file. */
export function parseRecords(text: string, file: string): unknown[] {
  if (looksLikeJsonLines(text)) {
    const out: unknown[] = [];
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        out.push(JSON.parse(line));
      } catch (e) {
        throw new DatasetError('DATASET_PARSE', `${file}: line ${i + 1} is not valid JSON (${(e as Error).message})`);
      }
    });
    return out;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new DatasetError('DATASET_PARSE', `${file}: not valid JSON or JSON Lines (${(e as Error).message})`);
  }
  if (Array.isArray(v)) return v;
  if (typeof v === 'object' && v !== null) return [v];
  throw new DatasetError('DATASET_PARSE', `${file}: expected a JSON array of records`);
}
