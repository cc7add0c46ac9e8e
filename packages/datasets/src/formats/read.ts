// Reading dataset files: JSON arrays, JSON Lines (TOFU *_perturbed.json are JSON Lines despite the
// name), with parse errors located by line.
import { readFileSync } from 'node:fs';
import { DatasetError } from '../errors';

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DatasetError('DATASET_READ', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
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
