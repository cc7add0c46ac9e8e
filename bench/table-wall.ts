// The wall time of a whole table (issue 18: "the wall time of ForGet Table 1 on the default models"), as a user
// waits for it: `editlab run <spec>` in a child process on an empty cache and results directory, so every shared
// stage (side models, key statistics, locating) and every cell is computed. `npm run bench -- --table=<spec>`
// (off by default: ForGet Table 1 is about an hour of CPU today, most of it SERAC's, LTE's and RECIPE's side models;
// docs/engine-speed.md). The per-cell and per-stage times land in the run's timing and meta files as usual.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface TableWall {
  readonly spec: string;
  readonly seconds: number;
  readonly ok: boolean;
  /** Seconds of the shared stages that report them (side models: `seconds` in their stage value). */
  readonly stageSeconds: number;
  readonly load: string;
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

export function tableWall(spec: string, jobs: number, log: (s: string) => void): TableWall {
  const dir = mkdtempSync(join(tmpdir(), 'editlab-table-wall-'));
  const before = load();
  log(`\ntable wall time: editlab run ${spec} -j ${jobs} on an empty cache (load avg ${before})`);
  const t0 = performance.now();
  const r = spawnSync('npx', ['editlab', 'run', resolve(spec), '-j', String(jobs), '--renderer', 'silent', '--cache-dir', join(dir, 'cache'), '--results-dir', join(dir, 'results')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const seconds = (performance.now() - t0) / 1000;
  let stageSeconds = 0;
  // the run's meta file, wherever its (possibly inherited) `output:` put it under the empty results directory
  const metas = existsSync(join(dir, 'results')) ? readdirSync(join(dir, 'results'), { recursive: true }).map(String).filter((f) => f.endsWith('.meta.json')) : [];
  for (const f of metas) {
    const meta = JSON.parse(readFileSync(join(dir, 'results', f), 'utf8')) as { stages?: { value?: { seconds?: number } }[] };
    stageSeconds += (meta.stages ?? []).reduce((a, s) => a + (typeof s.value?.seconds === 'number' ? s.value.seconds : 0), 0);
  }
  rmSync(dir, { recursive: true, force: true });
  return { spec, seconds, ok: r.status === 0, stageSeconds, load: `${before} → ${load()}` };
}
