// Canonical JSON and content hashes: the identity of every task (every task's output is cached under
// a key hashed from its inputs; packages/runner/README.md "Plan, exec, cache"). Keys are sorted, undefined members dropped, and
// non-finite numbers rejected, so equal values always give equal bytes and equal hashes.
import { createHash } from 'node:crypto';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortValue(value, ''));
}

function sortValue(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: non-finite number at ${path || '/'}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => sortValue(v, `${path}/${i}`));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortValue(v, `${path}/${k}`);
    }
    return out;
  }
  throw new Error(`canonicalJson: unsupported ${typeof value} at ${path || '/'}`);
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** sha256 of the canonical JSON of `value`. */
export function contentKey(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** Pretty, key-sorted JSON with a trailing newline: stable bytes for files people read. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortValue(value, ''), null, 2) + '\n';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
