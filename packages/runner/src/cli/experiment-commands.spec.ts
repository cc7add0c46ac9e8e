// `editlab validate | plan | run | merge` (cli/experiment-commands.ts) over the fake registries, including
// interrupted and killed runs that resume.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_SPEC } from '../testing/tmp';
import { cliWorkspace, PKG, PLUGIN } from '../testing/cli';
import { paperColumns } from '../testing/csv';

const { ws, cli } = cliWorkspace();
afterAll(() => ws.cleanup());

describe('editlab validate, plan, run, merge', () => {
  it('validate: ok, or each problem as file:line:col (exit 2); --write-schema', async () => {
    expect(await cli('validate', 'exp/spec.yaml')).toMatchObject({ code: 0 });
    const r = await cli('validate', 'exp/bad.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toBe("exp/bad.yaml:9:13: /methods/0/method: string \"tabel-ft\" is not allowed (did you mean 'table-ft'?)\nspec invalid (1 problem(s))");
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    expect(await cli('validate', '--write-schema', 'exp/schema.json')).toMatchObject({ code: 0, out: 'wrote exp/schema.json' });
    expect(JSON.parse(readFileSync(join(ws.cwd, 'exp/schema.json'), 'utf8')).$defs.method.properties.method.enum).toEqual(['fake-ga', 'table-ft']);
    expect(await cli('validate', '--write-schema', 'exp/spec.yaml')).toMatchObject({ code: 0, out: 'wrote experiments/schema.json\nok  exp/spec.yaml  (1 model(s) × 1 dataset(s) × 1 method(s) × 1 protocol(s) → fake.csv)' });
  });

  it('plan shows stages and cached counts; run writes the table; plan then shows everything cached', async () => {
    const before = await cli('plan', 'exp/spec.yaml');
    expect(before.out).toContain('shared stages:');
    expect(before.out).toContain('3 cell task(s), 0 cached, 3 to run');
    const run = await cli('run', 'exp/spec.yaml', '--renderer', 'silent');
    expect(run).toMatchObject({ code: 0 });
    expect(run.out).toContain('wrote results/fake.csv');
    expect((await cli('plan', 'exp/spec.yaml')).out).toContain('3 cell task(s), 3 cached, 0 to run');
    const json = JSON.parse((await cli('plan', 'exp/spec.yaml', '--json', '--shard', '1/2')).out);
    expect(json.cells.map((c: { row: number; cached: boolean }) => [c.row, c.cached])).toEqual([[0, true]]); // cell 1 of 3
    expect(json.stages.map((s: { kind: string }) => s.kind)).toEqual(['model', 'dataset', 'prepare']);
  });

  it('run --shard i/n writes shard files; merge joins them into the single run\'s bytes', async () => {
    const single = readFileSync(join(ws.resultsDir, 'fake.csv'), 'utf8');
    for (const i of [0, 1]) {
      expect(await cli('run', 'exp/spec.yaml', '--shard', `${i}/2`, '--renderer', 'silent', '--cache-dir', `shard-cache-${i}`)).toMatchObject({ code: 0 });
    }
    const m = await cli('merge', 'results/fake.shard-0-of-2.json', 'results/fake.shard-1-of-2.json');
    expect(m).toMatchObject({ code: 0, out: 'merged 2 shard(s) → results/fake.csv (1 rows)' });
    expect(readFileSync(join(ws.resultsDir, 'fake.csv'), 'utf8')).toBe(single);
    expect(await cli('merge', 'results/fake.shard-0-of-2.json')).toMatchObject({ code: 3, err: 'editlab merge: missing shard(s) 1 of 2' });
  });


  /** Start `editlab run` on n slow records in a child process; send `signal` once `after` tasks are cached. */
  async function interruptedRun(name: string, n: number, after: number, signal: NodeJS.Signals) {
    const spec = BASE_SPEC.replace('params: { n: 12 }', `params: { n: ${n} }`).replace('- method: table-ft', '- method: table-ft\n    params: { delayMs: 150 }').replace('chunk: 4', 'chunk: 1');
    ws.write({ [`${name}/spec.yaml`]: spec });
    const cacheDir = join(ws.cwd, `${name}-cache`);
    const files = () => (existsSync(join(cacheDir, 'tasks')) ? readdirSync(join(cacheDir, 'tasks'), { recursive: true }).map(String) : []);
    const tasks = () => files().filter((f) => f.endsWith('.json')).length;
    const child = spawn(process.execPath, [join(PKG, 'bin/editlab.mjs'), 'run', `${name}/spec.yaml`, '--cache-dir', cacheDir, '--registries', PLUGIN, '--renderer', 'silent'], { cwd: ws.cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      if (tasks() >= after) {
        clearInterval(poll); // one signal: a second Ctrl-C means "stop now"
        child.kill(signal);
      }
    }, 20);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    clearInterval(poll);
    const finished = tasks();
    expect(finished).toBeGreaterThanOrEqual(after);
    expect(finished).toBeLessThan(1 + n);
    expect(files().filter((f) => f.endsWith('.tmp'))).toEqual([]); // no torn writes
    const resumed = await cli('run', `${name}/spec.yaml`, '--cache-dir', cacheDir, '--renderer', 'silent');
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(`${1 + n - finished} task(s) run, ${finished} cached`); // nothing redone, nothing lost
    return { code, stderr };
  }

  it('Ctrl-C (SIGINT) abandons the cell in flight, exits 130 saying how to resume, and the rerun resumes', async () => {
    const { code, stderr } = await interruptedRun('int', 10, 3, 'SIGINT');
    expect(code).toBe(130);
    expect(stderr).toContain('editlab run: SIGINT: stopping at the next record; finished tasks stay cached (press Ctrl-C again to stop at once)');
    expect(stderr).toMatch(/\neditlab run: SIGINT: run interrupted after \d+ new task\(s\) \(finished tasks are cached in .*int-cache\); rerun the same command to resume: editlab run int\/spec\.yaml --cache-dir \S+ --registries \S+ --renderer silent\n$/);
  });

  it('a killed (SIGKILL) `editlab run` child process resumes without redoing finished cells or losing any', async () => {
    await interruptedRun('kill', 16, 5, 'SIGKILL');
    expect(paperColumns(readFileSync(join(ws.resultsDir, 'fake.csv'), 'utf8')).split('\n')[1]).toBe('table,facts,table-ft,,single,16,100.00,0.00,100.00,0.00,ok,');
  });
});

describe('exit status of a run', () => {
  it('counts rows that did not compute; verdicts on finished rows (collapsed, no-forgetting) are results', async () => {
    const { runFailures } = await import('./experiment-commands');
    expect(runFailures(['ok', 'collapsed', 'no-forgetting', 'unsupported'])).toBe(0);
    expect(runFailures(['ok', 'failed', 'diverged', 'missing', 'collapsed'])).toBe(3);
  });
});
