import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main';
import type { Io } from './io';
import { tmpWorkspace, BASE_SPEC } from '../testing/tmp';

const PKG = fileURLToPath(new URL('../../', import.meta.url));
const PLUGIN = resolve(PKG, 'src/testing/fake-plugin.ts');
const ws = tmpWorkspace({ 'exp/spec.yaml': BASE_SPEC, 'exp/bad.yaml': BASE_SPEC.replace('table-ft', 'tabel-ft') });
afterAll(() => ws.cleanup());

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env: { EDITLAB_REGISTRIES: PLUGIN }, cwd: ws.cwd };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('editlab CLI', () => {
  it('--help on every command, usage errors exit 2 with a hint and no stack trace', async () => {
    for (const c of ['validate', 'plan', 'run', 'merge', 'diff', 'plot', 'pretrain', 'data']) {
      const r = await cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`usage: editlab ${c}`);
    }
    expect(await cli('--version')).toMatchObject({ code: 0, out: '0.1.0' });
    expect(await cli('rnu')).toMatchObject({ code: 2, err: "editlab: unknown command 'rnu' (did you mean 'run'?); see editlab --help" });
    const bad = await cli('run', 'exp/spec.yaml', '--shard', '3/3');
    expect(bad).toMatchObject({ code: 2, err: "editlab run: --shard must be i/n with 0 ≤ i < n (e.g. 0/4), got '3/3'" });
    expect(await cli('validate', 'exp')).toMatchObject({ code: 2, err: `exp:1:1: /: ${join(ws.cwd, 'exp')} is a directory, not a spec file\nspec invalid (1 problem(s))` });
    ws.write({ 'ro/file': 'x' });
    expect(await cli('run', 'exp/spec.yaml', '--results-dir', 'ro/file', '--cache-dir', 'ro-cache', '--renderer', 'silent')).toMatchObject({ code: 3 });
    expect((await cli('run', '--concurency', '2')).err).toBe("editlab run: unknown option --concurency (did you mean '--concurrency'?); see editlab run --help");
  });

  it('pretrain: a misspelled model is a usage error; a 3-step run on the stand-in world writes a checkpoint with its card', async () => {
    expect(await cli('pretrain', '--model', 'tiny-gtp2')).toMatchObject({
      code: 2, err: "editlab pretrain: pretrain: --model must be one of tiny-gpt2, tiny-llama, got 'tiny-gtp2' (did you mean 'tiny-gpt2'?)",
    });
    const r = await cli('pretrain', '--model', 'tiny-gpt2', '--world-size', 'standin-tiny', '--steps', '3', '--eval-limit', '4', '--out', 'pt/out', '--work-dir', 'pt/work');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/step 3\/3 loss/);
    expect(r.out).toMatch(/pretrained tiny-gpt2 → .*pt\/out \(weights sha256 [0-9a-f]{12}\)/);
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'MODEL_CARD.md', 'editlab-pretrain.json']) expect(existsSync(join(ws.cwd, 'pt/out', f))).toBe(true);
    expect(readFileSync(join(ws.cwd, 'pt/out/MODEL_CARD.md'), 'utf8')).toContain('editlab pretrain --model tiny-gpt2');
  }, 60_000);

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

  it('diff and data fetch (no network here: fails fast and says so)', async () => {
    ws.write({ 'b.csv': readFileSync(join(ws.resultsDir, 'fake.csv'), 'utf8').replace(',100.00,0.00,100.00', ',90.00,0.00,100.00') });
    const d = await cli('diff', 'results/fake.csv', 'b.csv', '--fail-on-regression');
    expect(d.code).toBe(1);
    expect(d.out).toContain('  efficacy           100.00 → 90.00        -10.00  REGRESSION');
    const t0 = Date.now();
    const f = await cli('data', 'fetch', 'counterfact', '--dest', 'data', '--timeout', '3');
    expect(Date.now() - t0).toBeLessThan(8000);
    if (f.code === 0) return; // a machine with internet: it downloaded (and verified) the file
    expect(f.code).toBe(3);
    expect(f.err.split('\n').pop()).toMatch(/^editlab data: no network: cannot reach memit\.baulab\.info \(.+\)\. On a machine with internet/);
    expect((await cli('data', 'fetch', 'counterfakt')).err).toBe("editlab data: unknown dataset 'counterfakt' (did you mean 'counterfact'?)");
  });

  it('data inspect prints the format, the count and every malformed record (exit 1 when any)', async () => {
    ws.write({ 'd/ok.json': '[{"prompt": "a", "target_new": "b"}]', 'd/bad.json': '[{"prompt": "a", "target_new": "b"}, {"prompt": 3}]' });
    expect(await cli('data', 'inspect', 'd/ok.json')).toMatchObject({ code: 0, out: 'd/ok.json: format flat-edit (detected), 1 record(s), 0 malformed' });
    const bad = await cli('data', 'inspect', 'd/bad.json', '--format', 'flat-edit');
    expect(bad.code).toBe(1);
    expect(bad.out.split('\n')).toEqual([
      'd/bad.json: format flat-edit (given), 2 record(s), 2 malformed',
      '  d/bad.json [1] prompt: must be a string, got number',
      '  d/bad.json [1] target_new: missing',
    ]);
    expect(await cli('data', 'inspect', 'd/bad.json', '--format', 'flat-edt')).toMatchObject({ code: 2, err: "editlab data: data inspect: unknown format 'flat-edt' (did you mean 'flat-edit'?)" });
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

  it('Ctrl-C (SIGINT) finishes the tasks in flight, exits 130, and the rerun resumes', async () => {
    const { code, stderr } = await interruptedRun('int', 10, 3, 'SIGINT');
    expect(code).toBe(130);
    expect(stderr).toContain('interrupt: finishing the tasks in flight');
    expect(stderr).toMatch(/run interrupted after \d+ new task\(s\); rerun the same command to resume/);
  });

  it('a killed (SIGKILL) `editlab run` child process resumes without redoing finished cells or losing any', async () => {
    await interruptedRun('kill', 16, 5, 'SIGKILL');
    expect(readFileSync(join(ws.resultsDir, 'fake.csv'), 'utf8').split('\n')[1]).toBe('table,facts,table-ft,,single,16,100.00,0.00,100.00,0.00,ok,');
  });
});
