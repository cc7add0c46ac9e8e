// The task cache checks every entry on read: a truncated, edited, result-less or checksum-less entry is
// treated as missing (recomputed) with a one-line warning naming the file; each entry keeps the
// environment that computed it, and the table's meta.json lists it per cell.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { runExperiment } from '../experiment';
import { fakeRegistries } from '../testing/fakes';
import { tmpWorkspace, BASE_SPEC } from '../testing/tmp';
import type { TmpWorkspace } from '../testing/tmp';
import type { Registries } from '../registries';
import { TaskCache } from './cache';

let ws: TmpWorkspace;
afterEach(() => ws?.cleanup());

const KEY = 'ab'.repeat(32);
const ENTRY = { key: KEY, kind: 'cell', label: 'a cell', result: { status: 'ok', records: [{ id: '0', values: { efficacy: 0.75 } }], timing: { editMs: 1, evalMs: 2 } } };

function cacheWithWarnings(dir: string, environment?: Record<string, string>): { cache: TaskCache; warnings: string[] } {
  const warnings: string[] = [];
  return { cache: new TaskCache(dir, { warn: (l) => warnings.push(l), ...(environment ? { environment } : {}) }), warnings };
}

/** Rewrite the stored entry's text with `edit`, then read it back through a fresh cache. */
function corrupt(edit: (text: string) => string): { got: unknown; warnings: string[]; path: string } {
  ws = tmpWorkspace();
  const { cache } = cacheWithWarnings(ws.cacheDir);
  cache.put(ENTRY);
  const path = cache.path(KEY);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  const fresh = cacheWithWarnings(ws.cacheDir);
  return { got: fresh.cache.get(KEY), warnings: fresh.warnings, path };
}

describe('task cache integrity', () => {
  it('an intact entry reads back with its result and the environment that wrote it, silently', () => {
    ws = tmpWorkspace();
    const { cache } = cacheWithWarnings(ws.cacheDir, { backend: 'test-env' });
    cache.put(ENTRY);
    const fresh = cacheWithWarnings(ws.cacheDir, { backend: 'another-env' });
    expect(fresh.cache.get(KEY)).toEqual({ ...ENTRY, environment: { backend: 'test-env' }, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(fresh.cache.environmentOf(KEY)).toEqual({ backend: 'test-env' });
    expect(fresh.cache.has(KEY)).toBe(true);
    expect(fresh.warnings).toEqual([]);
  });

  const cases: Array<[string, (t: string) => string, RegExp]> = [
    ['valid JSON without its result', (t) => { const v = JSON.parse(t); delete v.result; return JSON.stringify(v); }, /has no result/],
    ['one digit changed', (t) => t.replace('0.75', '0.76'), /checksum mismatch/],
    ['truncated', (t) => t.slice(0, Math.floor(t.length / 2)), /not readable JSON/],
    ['written without a checksum (older editlab)', (t) => { const v = JSON.parse(t); delete v.sha256; return JSON.stringify(v); }, /no checksum/],
    ['a label edited', (t) => t.replace('a cell', 'b cell'), /checksum mismatch/],
    ['another key', (t) => t.replace(KEY, 'cd'.repeat(32)), /key does not match/],
  ];
  for (const [what, edit, why] of cases) {
    it(`an entry ${what} reads as missing, with one warning line naming the file`, () => {
      const { got, warnings, path } = corrupt(edit);
      expect(got).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(path);
      expect(warnings[0]).toMatch(why);
      expect(warnings[0]).not.toContain('\n');
    });
  }

  it('has() treats a bad entry as absent without warning (plan listings)', () => {
    ws = tmpWorkspace();
    const { cache, warnings } = cacheWithWarnings(ws.cacheDir);
    cache.put(ENTRY);
    writeFileSync(cache.path(KEY), '{"key":');
    expect(cache.has(KEY)).toBe(false);
    expect(warnings).toEqual([]);
  });
});

describe('a run over a damaged cache', () => {
  const withEnv = (env: Record<string, string>): Registries => ({ ...fakeRegistries(), environment: async () => ({ backend: 'fake', versions: { runner: 'test' }, ...env }) });

  it('recomputes exactly the damaged cells (no crash), warns once per file, and writes the same bytes', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC });
    const first = await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
    const csv = readFileSync(`${ws.resultsDir}/fake.csv`, 'utf8');
    const cells = first.prepared.plan.cells.map((c) => c.key);
    const cache = new TaskCache(ws.cacheDir);
    const p0 = cache.path(cells[0]!), p1 = cache.path(cells[1]!), p2 = cache.path(cells[2]!);
    const noResult = JSON.parse(readFileSync(p0, 'utf8'));
    delete noResult.result;
    writeFileSync(p0, JSON.stringify(noResult));
    writeFileSync(p1, readFileSync(p1, 'utf8').replace(/"efficacy": 1\b/, '"efficacy": 0'));
    writeFileSync(p2, readFileSync(p2, 'utf8').slice(0, 40));
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => { lines.push(String(s)); return true; }) as typeof process.stderr.write;
    try {
      const again = await runExperiment('spec.yaml', fakeRegistries(), ws, { renderer: 'silent' });
      expect([...again.run.executed].sort()).toEqual([cells[0]!, cells[1]!, cells[2]!].sort());
    } finally {
      process.stderr.write = write;
    }
    const warned = lines.filter((l) => l.includes('ignoring cache entry'));
    expect(warned).toHaveLength(3);
    for (const p of [p0, p1, p2]) expect(warned.some((l) => l.includes(p))).toBe(true);
    expect(readFileSync(`${ws.resultsDir}/fake.csv`, 'utf8')).toBe(csv);
  });

  it('meta.json records per cell the environment that computed it; cached cells keep theirs', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC });
    const first = await runExperiment('spec.yaml', withEnv({ machine: 'A' } as Record<string, string>), ws, { renderer: 'silent' });
    const cells = first.prepared.plan.cells.map((c) => c.key);
    // Drop one cell and rerun on "another machine": the `machine` part is recorded, not keyed.
    const cache = new TaskCache(ws.cacheDir);
    writeFileSync(cache.path(cells[0]!), 'not json');
    const process2 = withEnv({ machine: 'B' } as Record<string, string>);
    const second = await runExperiment('spec.yaml', process2, ws, { renderer: 'silent' });
    expect(second.prepared.plan.cells.map((c) => c.key)).toEqual(cells);
    expect(second.run.executed).toEqual([cells[0]]);
    const meta = JSON.parse(readFileSync(`${ws.resultsDir}/fake.meta.json`, 'utf8'));
    expect(meta.environment.machine).toBe('B');
    const byMachine = Object.fromEntries(meta.cellEnvironments.map((g: { environment: { machine: string }; cells: string[] }) => [g.environment.machine, g.cells]));
    expect(byMachine).toEqual({ A: cells.slice(1).sort(), B: [cells[0]] });
  });

  it('a keyed environment change (backend, kernels, build flags) re-keys every task', async () => {
    ws = tmpWorkspace({ 'spec.yaml': BASE_SPEC });
    const a = await runExperiment('spec.yaml', withEnv({ kernels: 'native' }), ws, { renderer: 'silent' });
    const b = await runExperiment('spec.yaml', withEnv({ kernels: 'js' }), ws, { renderer: 'silent' });
    expect(b.run.cached).toEqual([]);
    expect(b.prepared.plan.codeVersion).not.toBe(a.prepared.plan.codeVersion);
  });
});
