// Content-addressed task cache: one JSON file per finished task at <dir>/tasks/<k[0:2]>/<key>.json,
// written atomically. A file that exists is a finished task; a run killed at any point leaves
// only whole files behind, so resuming redoes nothing that finished and loses nothing.
// Each entry carries the environment that computed it (backend, kernels, code identity:
// plan/provenance.ts) and a sha256 of its content, checked on read: an entry that is truncated, edited,
// or lacks its result is treated as missing (recomputed) with a one-line warning naming the file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { canonicalJson, isPlainObject, sha256, stableJson } from '../util/json';
import type { JsonObject, JsonValue } from '../util/json';

export interface CacheEntry<T = JsonValue> {
  readonly key: string;
  readonly kind: string;
  readonly label: string;
  readonly result: T;
  /** The environment of the process that computed the result (set by put from the cache's own). */
  readonly environment?: JsonObject;
}

export interface TaskCacheOptions {
  /** Environment stamped on every entry this process writes. */
  readonly environment?: JsonObject;
  /** Where the one-line warnings about unusable entries go (default: stderr). */
  readonly warn?: (line: string) => void;
}

/** sha256 of an entry's canonical JSON without its checksum field. */
function checksum(entry: CacheEntry<unknown>): string {
  const { key, kind, label, result, environment } = entry;
  return sha256(canonicalJson({ key, kind, label, result, environment }));
}

export class TaskCache {
  private readonly environment: JsonObject | undefined;
  private readonly warn: (line: string) => void;
  /** Environment of every entry read or written by this process, by key. */
  private readonly seen = new Map<string, JsonObject | undefined>();

  constructor(readonly dir: string, opts: TaskCacheOptions = {}) {
    this.environment = opts.environment;
    this.warn = opts.warn ?? ((line) => process.stderr.write(`${line}\n`));
  }

  path(key: string): string {
    return join(this.dir, 'tasks', key.slice(0, 2), `${key}.json`);
  }

  /** Whether a valid entry exists (silently: a bad entry reads as absent). */
  has(key: string): boolean {
    return this.read(key, false) !== undefined;
  }

  get<T = JsonValue>(key: string): CacheEntry<T> | undefined {
    return this.read<T>(key, true);
  }

  put<T>(entry: CacheEntry<T>): void {
    const full = { ...entry, environment: entry.environment ?? this.environment };
    this.seen.set(entry.key, full.environment);
    writeFileAtomic(this.path(entry.key), stableJson({ ...full, sha256: checksum(full) }));
  }

  /** The environment recorded with `key`'s entry, if this process read or wrote it. */
  environmentOf(key: string): JsonObject | undefined {
    return this.seen.get(key);
  }

  private read<T>(key: string, loud: boolean): CacheEntry<T> | undefined {
    const p = this.path(key);
    if (!existsSync(p)) return undefined;
    const bad = (why: string) => {
      if (loud) this.warn(`editlab: ignoring cache entry ${p} (${why}); recomputing it`);
      return undefined;
    };
    let v: unknown;
    try {
      v = JSON.parse(readFileSync(p, 'utf8'));
    } catch (e) {
      return bad(`not readable JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!isPlainObject(v)) return bad('not a JSON object');
    if (v['key'] !== key) return bad('its key does not match its file name');
    if (v['result'] === undefined) return bad('it has no result');
    if (typeof v['sha256'] !== 'string') return bad('it has no checksum (written by an older editlab)');
    const entry = v as unknown as CacheEntry<T>;
    if (checksum(entry) !== v['sha256']) return bad('checksum mismatch: the file was changed after it was written');
    this.seen.set(key, entry.environment);
    return entry;
  }
}
