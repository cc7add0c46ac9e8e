// Field checks that record where a record is malformed (file, record index, field) and keep going,
// so a loader reports every bad record at once.
import type { MalformedRecord } from '../errors';

export class RecordChecker {
  readonly malformed: MalformedRecord[] = [];
  constructor(readonly file: string) {}

  private bad(index: number, field: string, message: string): undefined {
    this.malformed.push({ file: this.file, index, field, message });
    return undefined;
  }

  object(index: number, field: string, v: unknown): Record<string, unknown> | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    return this.bad(index, field, `expected an object, got ${describe(v)}`);
  }

  string(index: number, rec: Record<string, unknown>, field: string, path = field): string | undefined {
    const v = rec[field];
    if (typeof v === 'string') return v;
    return this.bad(index, path, v === undefined ? 'missing' : `expected a string, got ${describe(v)}`);
  }

  optionalString(index: number, rec: Record<string, unknown>, field: string, path = field): string | undefined {
    return rec[field] === undefined || rec[field] === null ? undefined : this.string(index, rec, field, path);
  }

  stringArray(index: number, rec: Record<string, unknown>, field: string, opts: { min?: number; path?: string } = {}): string[] | undefined {
    const v = rec[field];
    const path = opts.path ?? field;
    if (!Array.isArray(v)) return this.bad(index, path, v === undefined ? 'missing' : `expected an array of strings, got ${describe(v)}`);
    const i = v.findIndex((x) => typeof x !== 'string');
    if (i >= 0) return this.bad(index, `${path}[${i}]`, `expected a string, got ${describe(v[i])}`);
    if (opts.min !== undefined && v.length < opts.min) return this.bad(index, path, `expected at least ${opts.min} item(s), got ${v.length}`);
    return v as string[];
  }

  integer(index: number, rec: Record<string, unknown>, field: string): number | undefined {
    const v = rec[field];
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    return this.bad(index, field, v === undefined ? 'missing' : `expected an integer, got ${describe(v)}`);
  }

  /** Count of malformed entries so far (to tell whether a record added any). */
  get count(): number {
    return this.malformed.length;
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/**
 * Map raw records to canonical ones: `f` sees each record that is an object, with `ok()` telling
 * whether it has added no malformed entry so far; a record that added one is left out.
 */
export function mapRecords<T>(
  raw: readonly unknown[], c: RecordChecker, f: (r: Record<string, unknown>, i: number, ok: () => boolean) => T | undefined,
): T[] {
  const out: T[] = [];
  raw.forEach((r0, i) => {
    const before = c.count;
    const r = c.object(i, '(record)', r0);
    if (!r) return;
    const v = f(r, i, () => c.count === before);
    if (v !== undefined && c.count === before) out.push(v);
  });
  return out;
}
