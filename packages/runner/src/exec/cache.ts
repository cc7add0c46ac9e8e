// Content-addressed task cache: one JSON file per finished task at <dir>/tasks/<k[0:2]>/<key>.json,
// written atomically. A file that exists is a finished task; a run killed at any point leaves
// only whole files behind, so resuming redoes nothing that finished and loses nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { stableJson } from '../util/json';
import type { JsonValue } from '../util/json';

export interface CacheEntry<T = JsonValue> {
  readonly key: string;
  readonly kind: string;
  readonly label: string;
  readonly result: T;
}

export class TaskCache {
  constructor(readonly dir: string) {}

  path(key: string): string {
    return join(this.dir, 'tasks', key.slice(0, 2), `${key}.json`);
  }

  has(key: string): boolean {
    return existsSync(this.path(key));
  }

  get<T = JsonValue>(key: string): CacheEntry<T> | undefined {
    const p = this.path(key);
    if (!existsSync(p)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(p, 'utf8')) as CacheEntry<T>;
      return entry.key === key ? entry : undefined;
    } catch {
      return undefined; // unreadable entries (foreign edits) count as missing and are recomputed
    }
  }

  put<T>(entry: CacheEntry<T>): void {
    writeFileAtomic(this.path(entry.key), stableJson(entry));
  }
}
