// Claims about result tables, judged against their noise (docs/metrics.md "Claims and verdicts").
// A claim names a table, one or two of its rows (by key columns) and a metric, and says what the paper
// found: row b above row a (`b > a`), below it (`b < a`), or one row beyond a threshold (`< 0.1`).
// Two rows of one table on the same records are paired: the change (b − a) is bootstrapped over the record
// pairs (./noise.ts `pairedChange`, the paired test `editlab diff` uses); without per-record values the
// rows' interval columns must be disjoint (stricter). The verdict: held (the interval excludes 0, or
// the threshold, on the claimed side), not held (it excludes it on the other side), within noise.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Registries } from '../registries';
import { SpecError } from '../errors';
import { diagnosticAt, parseYamlFile } from '../experiment-spec/source';
import type { SpecDiagnostic } from '../errors';
import type { CsvTable } from './diff';
import { readCsv } from './diff';
import { metaColumns, pairedChange, recordValues, rowInterval, rowKey } from './noise';
import type { RecordValues } from './noise';
import type { MetricColumn } from './table';

export type Expectation = { readonly kind: 'order'; readonly sign: 1 | -1 } | { readonly kind: 'threshold'; readonly op: '<' | '>'; readonly value: number };

export interface Claim {
  readonly id: string;
  readonly says: string;
  /** Absolute path of the CSV. */
  readonly table: string;
  /** As written (relative to the claims file). */
  readonly tableAsWritten: string;
  readonly a?: Readonly<Record<string, string>>;
  readonly b: Readonly<Record<string, string>>;
  readonly metric: string;
  readonly expect: Expectation;
  readonly expectAsWritten: string;
}

export type ClaimVerdict = 'held' | 'not held' | 'within noise' | 'n/a';

export interface ClaimResult {
  readonly claim: Claim;
  readonly a?: number | null;
  readonly b: number | null;
  /** b − a for an order claim, b for a threshold claim. */
  readonly value: number | null;
  /** 95% interval of `value`. */
  readonly lo?: number;
  readonly hi?: number;
  /** paired: bootstrap of b − a over shared records; intervals: the rows' own interval columns. */
  readonly rule: 'paired' | 'intervals' | 'none';
  readonly pairs?: number;
  readonly verdict: ClaimVerdict;
  readonly why?: string;
}

const EXPECT = /^\s*(?:(b)\s*([<>])\s*(a)|([<>])\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?))\s*$/i;

/** Parse `b > a`, `b < a`, `< 0.1`, `> 50`. */
export function parseExpectation(s: string): Expectation | undefined {
  const m = EXPECT.exec(s);
  if (!m) return undefined;
  if (m[1]) return { kind: 'order', sign: m[2] === '>' ? 1 : -1 };
  return { kind: 'threshold', op: m[4] as '<' | '>', value: Number(m[5]) };
}

const isRecordOfStrings = (v: unknown): v is Record<string, string | number> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number');

/** Read a claims file (`claims: [{ id, says, table, a?, b, metric, expect }]`); every mistake is reported with its file and line. */
export function loadClaims(file: string, display: string): Claim[] {
  const { src, value } = parseYamlFile(file, display);
  const problems: SpecDiagnostic[] = [];
  const at = (pointer: string, message: string) => problems.push(diagnosticAt([src], pointer, message));
  const list = (value as { claims?: unknown } | null)?.claims;
  if (!Array.isArray(list)) {
    at('', 'a claims file has one key, `claims:`, a list of { id, says, table, a, b, metric, expect }');
    throw new SpecError(problems);
  }
  const out: Claim[] = [];
  const ids = new Set<string>();
  list.forEach((raw: unknown, i) => {
    const p = `/claims/${i}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return at(p, 'each claim is a mapping');
    const c = raw as Record<string, unknown>;
    for (const k of Object.keys(c)) {
      if (!['id', 'says', 'table', 'a', 'b', 'metric', 'expect'].includes(k)) at(`${p}/${k}`, `unknown field '${k}' (allowed: id, says, table, a, b, metric, expect)`);
    }
    for (const k of ['id', 'says', 'table', 'metric', 'expect'] as const) {
      if (typeof c[k] !== 'string' || !(c[k] as string).trim()) at(c[k] === undefined ? p : `${p}/${k}`, `'${k}' is required and must be a non-empty string`);
    }
    if (typeof c['id'] === 'string') {
      if (ids.has(c['id'])) at(`${p}/id`, `duplicate claim id '${c['id']}'`);
      ids.add(c['id']);
    }
    for (const k of ['a', 'b'] as const) {
      if (c[k] !== undefined && !isRecordOfStrings(c[k])) at(`${p}/${k}`, `'${k}' selects one row: a mapping of key columns to values, e.g. { model: tiny-llama, method: FT }`);
    }
    if (c['b'] === undefined) at(p, "'b' (the row the claim is about) is required");
    const expect = typeof c['expect'] === 'string' ? parseExpectation(c['expect']) : undefined;
    if (typeof c['expect'] === 'string' && !expect) at(`${p}/expect`, `'expect' is 'b > a', 'b < a', '< <number>' or '> <number>', not '${c['expect']}'`);
    if (expect?.kind === 'order' && c['a'] === undefined) at(`${p}/expect`, `'${String(c['expect'])}' compares two rows: give 'a' too`);
    if (expect?.kind === 'threshold' && c['a'] !== undefined) at(`${p}/a`, `a threshold claim ('${String(c['expect'])}') is about one row: drop 'a'`);
    if (problems.length || !expect) return;
    const strings = (r: Record<string, string | number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]));
    out.push({
      id: c['id'] as string, says: c['says'] as string, tableAsWritten: c['table'] as string,
      table: resolve(dirname(file), c['table'] as string),
      ...(c['a'] !== undefined ? { a: strings(c['a'] as Record<string, string | number>) } : {}),
      b: strings(c['b'] as Record<string, string | number>),
      metric: c['metric'] as string, expect, expectAsWritten: c['expect'] as string,
    });
  });
  if (problems.length) throw new SpecError(problems);
  return out;
}

interface LoadedTable {
  readonly table: CsvTable;
  readonly columns?: readonly MetricColumn[];
  readonly records?: RecordValues;
}

/** Tables read once per check, whatever number of claims name them. */
export class TableCache {
  private readonly tables = new Map<string, LoadedTable>();
  get(file: string): LoadedTable {
    let t = this.tables.get(file);
    if (!t) {
      const table = readCsv(file);
      const columns = metaColumns(file);
      const records = columns ? recordValues(table, columns) : undefined;
      t = { table, ...(columns ? { columns } : {}), ...(records ? { records } : {}) };
      this.tables.set(file, t);
    }
    return t;
  }
}

const num = (s: string | undefined): number | null => {
  if (s === undefined || s.trim() === '') return null;
  const x = Number(s);
  return Number.isFinite(x) ? x : null;
};

function selectRow(t: CsvTable, sel: Readonly<Record<string, string>>, which: 'a' | 'b'): Record<string, string> | string {
  const unknown = Object.keys(sel).filter((k) => !t.header.includes(k));
  if (unknown.length) return `${which}: ${t.file} has no column ${unknown.map((k) => `'${k}'`).join(', ')}`;
  const rows = t.rows.filter((r) => Object.entries(sel).every(([k, v]) => r[k] === v));
  const what = Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(', ');
  if (rows.length === 1) return rows[0]!;
  return rows.length ? `${which}: ${rows.length} rows match ${what}; add key columns to pick one` : `${which}: no row matches ${what}`;
}

function verdictOf(lo: number, hi: number, e: Expectation): ClaimVerdict {
  if (e.kind === 'order') {
    if (lo > 0) return e.sign === 1 ? 'held' : 'not held';
    if (hi < 0) return e.sign === 1 ? 'not held' : 'held';
    return 'within noise';
  }
  if (hi < e.value) return e.op === '<' ? 'held' : 'not held';
  if (lo > e.value) return e.op === '>' ? 'held' : 'not held';
  return 'within noise';
}

/** Judge one claim on its table. `seed` feeds the paired bootstrap (its stream is the claim id). */
export function checkClaim(claim: Claim, reg: Registries, cache: TableCache, seed = 0): ClaimResult {
  const na = (why: string, extra: Partial<ClaimResult> = {}): ClaimResult => ({ claim, b: null, value: null, rule: 'none', verdict: 'n/a', why, ...extra });
  if (!existsSync(claim.table)) return na(`${claim.tableAsWritten} does not exist (table not run yet)`);
  const { table, columns, records } = cache.get(claim.table);
  if (!table.header.includes(claim.metric)) return na(`${claim.tableAsWritten} has no column '${claim.metric}'`);
  const rowB = selectRow(table, claim.b, 'b');
  if (typeof rowB === 'string') return na(rowB);
  const b = num(rowB[claim.metric]);
  if (claim.expect.kind === 'threshold') {
    if (b === null) return na(`b's ${claim.metric} is not a number (status ${rowB['status'] ?? '?'})`);
    const iv = rowInterval(rowB, claim.metric);
    if (!iv) return na(`b has no interval columns for ${claim.metric}`, { b, value: b });
    return { claim, b, value: b, lo: iv.lo, hi: iv.hi, rule: 'intervals', verdict: verdictOf(iv.lo, iv.hi, claim.expect) };
  }
  const rowA = selectRow(table, claim.a!, 'a');
  if (typeof rowA === 'string') return na(rowA);
  const a = num(rowA[claim.metric]);
  if (a === null || b === null) return na(`${a === null ? 'a' : 'b'}'s ${claim.metric} is not a number`, { a, b });
  const value = b - a;
  const column = columns?.find((c) => c.column === claim.metric);
  const recA = records?.get(rowKey(rowA));
  const recB = records?.get(rowKey(rowB));
  // Paired only when both rows were computed on the same records (a forget set of another size is another sample).
  if (column && recA && recB && recA.size === recB.size && [...recA.keys()].every((id) => recB.has(id))) {
    const iv = pairedChange(recA, recB, columns!, reg, seed, claim.id).get(claim.metric);
    if (iv && iv.pairs >= 2) return { claim, a, b, value, lo: iv.lo, hi: iv.hi, rule: 'paired', pairs: iv.pairs, verdict: verdictOf(iv.lo, iv.hi, claim.expect) };
  }
  const ia = rowInterval(rowA, claim.metric);
  const ib = rowInterval(rowB, claim.metric);
  if (!ia || !ib) return na('no per-record values shared by the two rows and no interval columns', { a, b, value });
  // Disjoint intervals: the change is at least the gap between them; overlapping: within noise.
  const lo = ib.lo - ia.hi;
  const hi = ib.hi - ia.lo;
  return { claim, a, b, value, lo, hi, rule: 'intervals', verdict: verdictOf(lo, hi, claim.expect) };
}

const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(2));

/**
 * The results as a Markdown table (`markdown`) or aligned text, one line per claim, in file order.
 * `rows: true` is the two-row comparison of `editlab compare t.csv --a … --b …`: no claim text, and the
 * verdict says which row is higher.
 */
export function formatClaims(results: readonly ClaimResult[], options: { readonly markdown?: boolean; readonly rows?: boolean } = {}): string {
  const verdict = (r: ClaimResult): string => {
    const v = !options.rows ? r.verdict : r.verdict === 'held' ? 'b higher' : r.verdict === 'not held' ? 'b lower' : r.verdict;
    return v + (r.why ? ` (${r.why})` : '');
  };
  const body = results.map((r) => {
    const c = r.claim;
    const values = c.a ? `${fmt(r.b)} vs ${fmt(r.a)}` : fmt(r.b);
    const change = r.value === null ? '—' : `${c.expect.kind === 'order' && r.value >= 0 ? '+' : ''}${fmt(r.value)}${r.lo !== undefined ? ` [${fmt(r.lo)}, ${fmt(r.hi)}]` : ''}`;
    const rule = r.rule === 'paired' ? `paired, ${r.pairs} records` : r.rule === 'intervals' ? 'row intervals' : '';
    return options.rows ? [c.metric, values, change, rule, verdict(r)] : [c.id, c.says, `${c.metric} ${c.expectAsWritten}`, values, change, rule, verdict(r)];
  });
  const head = options.rows ? ['metric', 'b vs a', 'b − a [95%]', 'rule', 'verdict'] : ['claim', 'says', 'metric, expected', 'b vs a', 'b − a or b [95%]', 'rule', 'verdict'];
  if (options.markdown) {
    const line = (cells: readonly string[]) => `| ${cells.map((s) => s.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((s, i) => (i === cells.length - 1 ? s : s.padEnd(widths[i]!))).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}
