// SIGINT and SIGTERM stop a real `editlab run` promptly (FT on the embedded tiny-gpt2, world
// CounterFact): the cell in flight is abandoned at its next yield point (exec/yield.ts) and not
// cached, the finished cells stay cached, the exit code is 130 / 143, and a rerun resumes and writes
// the bytes of an uninterrupted run. Before the yield points the compute never returned to the event
// loop, so the signal was only seen once every cell had run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main';
import type { Io } from './io';
import { tmpWorkspace } from '../testing/tmp';
import { PKG } from '../testing/cli';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const haveModel = existsSync(join(ROOT, 'models/tiny-gpt2/model.safetensors'));

// Four cells: the signal comes once the first is cached and stops the run within the second, so at least two
// are never run and the rerun has cells to resume (eight cells checked nothing more and cost twice the time).
const CELLS = 4;
const SPEC = `name: signals
seed: 0
output: signals.csv
models:
  - model: embedded
    label: tiny-gpt2
    params: { name: tiny-gpt2 }
datasets:
  - dataset: world-counterfact
    params: { n: ${3 * CELLS} }
methods:
  - method: ft
    label: FT
metrics: [efficacy, generalization, locality]
run: { chunk: 3 }
`;
/** Generous: a cell of 3 records takes about 1 s on a quiet 2-core machine; stopping takes under one record. */
const BOUND_MS = 15_000;

const ws = tmpWorkspace({ 'spec.yaml': SPEC });
afterAll(() => ws.cleanup());

/** `editlab run spec.yaml` in-process with the built-in registries. */
async function run(cacheDir: string, resultsDir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env: {}, cwd: ws.cwd };
  const code = await main(['run', 'spec.yaml', '--cache-dir', cacheDir, '--results-dir', resultsDir, '--renderer', 'silent'], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The cache's task files (relative paths) and the kind of each. */
function cacheEntries(cacheDir: string): Map<string, string> {
  const dir = join(cacheDir, 'tasks');
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir, { recursive: true }).map(String).filter((x) => x.endsWith('.json'))) {
    out.set(f, (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { kind: string }).kind);
  }
  return out;
}
/** What a cache entry holds, less its volatile wall times. */
function content(file: string) {
  const e = JSON.parse(readFileSync(file, 'utf8')) as { key: string; kind: string; label: string; result: { status: string; records: unknown; error?: string } };
  return { key: e.key, kind: e.kind, label: e.label, status: e.result.status, records: e.result.records, error: e.result.error };
}
const cellCount = (cacheDir: string) => [...cacheEntries(cacheDir).values()].filter((k) => k === 'cell').length;
const outputs = (resultsDir: string) => ['signals.csv', 'signals.meta.json'].map((f) => readFileSync(join(resultsDir, f), 'utf8'));

/** Spawn the real CLI; send `signal` once the first cell is cached; the exit code, stderr and the time from signal to exit. */
async function interrupted(cacheDir: string, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [join(PKG, 'bin/editlab.mjs'), 'run', 'spec.yaml', '--cache-dir', cacheDir, '--results-dir', 'results-x', '--renderer', 'silent'], {
    cwd: ws.cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, EDITLAB_REGISTRIES: '' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let sentAt = 0;
  const poll = setInterval(() => {
    if (!sentAt && cellCount(cacheDir) >= 1) {
      sentAt = performance.now();
      child.kill(signal); // once: a second signal means "stop at once"
    }
  }, 25);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearInterval(poll);
  return { code, stderr, stopMs: performance.now() - sentAt, sent: sentAt > 0 };
}

describe.skipIf(!haveModel)('signals on a real run (FT on tiny-gpt2)', () => {
  let reference: string[];
  let referenceCache: Map<string, string>;
  beforeAll(async () => {
    const r = await run('cache-ref', 'results-ref');
    expect(r.code).toBe(0);
    expect(cellCount(join(ws.cwd, 'cache-ref'))).toBe(CELLS);
    reference = outputs(join(ws.cwd, 'results-ref'));
    referenceCache = cacheEntries(join(ws.cwd, 'cache-ref'));
  });

  for (const [signal, exit] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: exits ${exit} at the next record, caches no partial cell, and the rerun resumes to the same bytes`, async () => {
      const cache = join(ws.cwd, `cache-${signal}`);
      const r = await interrupted(cache, signal);
      expect(r.sent).toBe(true);
      expect(r.code).toBe(exit);
      expect(r.stopMs).toBeLessThan(BOUND_MS);
      expect(r.stderr).toContain(`editlab run: ${signal}: stopping at the next record; finished tasks stay cached`);
      expect(r.stderr).toMatch(new RegExp(`editlab run: ${signal}: run interrupted after [12] new task\\(s\\) \\(finished tasks are cached in .*\\); rerun the same command to resume: editlab run spec\\.yaml --cache-dir \\S+ --results-dir results-x --renderer silent\\n$`));
      // The remaining cells were not run; what is cached is whole and holds the uninterrupted run's results.
      const entries = cacheEntries(cache);
      const cells = [...entries.values()].filter((k) => k === 'cell').length;
      expect(cells).toBeGreaterThanOrEqual(1);
      expect(cells).toBeLessThanOrEqual(2);
      for (const f of entries.keys()) {
        expect(referenceCache.has(f)).toBe(true);
        expect(content(join(cache, 'tasks', f))).toEqual(content(join(ws.cwd, 'cache-ref', 'tasks', f)));
      }
      expect(readdirSync(join(cache, 'tasks'), { recursive: true }).map(String).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(existsSync(join(ws.cwd, 'results-x', 'signals.csv'))).toBe(false);

      const resumed = await run(cache, `results-${signal}`);
      expect(resumed.code).toBe(0);
      expect(resumed.out).toContain(`spec.yaml: ${CELLS - cells} task(s) run, ${cells} cached`);
      expect(outputs(join(ws.cwd, `results-${signal}`))).toEqual(reference);
    });
  }
});
