// scripts/cluster/ (docs/cluster.md): the Slurm array task script and the submit script, run as separate
// processes over one shared cache. Three array tasks run at once (as a scheduler starts them), then
// `editlab merge`; the merged CSV and meta are byte-identical to one `editlab run` with its own cache.
// submit.sh runs against a stand-in `sbatch` on PATH that executes the array and the merge job locally
// (slurm.spec.ts submits the same scripts to a real, private single-node Slurm where one is installed).
// Each `editlab` process starts tsx (about 3 s on a quiet machine), so this file takes tens of seconds.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_SPEC, tmpWorkspace } from '../testing/tmp';
import { PKG, PLUGIN } from '../testing/cli';
import { sh as run, type ShellResult } from '../testing/shell';

const SCRIPTS = join(PKG, '../../scripts/cluster');
const ws = tmpWorkspace({ 'exp/spec.yaml': BASE_SPEC.replace('params: { n: 12 }', 'params: { n: 20 }') });
afterAll(() => ws.cleanup());
const EDITLAB = `${process.execPath} ${join(PKG, 'bin/editlab.mjs')}`;

function sh(cmd: string[], env: Record<string, string>): Promise<ShellResult> {
  return run(cmd, { cwd: ws.cwd, env: { ...process.env, EDITLAB, EDITLAB_REGISTRIES: PLUGIN, ...env } });
}

/** A stand-in sbatch: --array=a-b runs the script once per index (all at once), --wrap runs the command; --parsable prints an id. */
const FAKE_SBATCH = `#!/usr/bin/env bash
set -euo pipefail
array=""; wrap=""; script=""
for a in "$@"; do
  case "$a" in
    --array=*) array="\${a#--array=}" ;;
    --export=ALL,*) IFS=',' read -ra kv <<< "\${a#--export=ALL,}"; for x in "\${kv[@]}"; do export "$x"; done ;;
    --wrap=*) wrap="\${a#--wrap=}" ;;
    --*) ;;
    *) script="$a" ;;
  esac
done
id=$((RANDOM + 1000)); echo "$id" >> "$SBATCH_LOG"
if [ -n "$wrap" ]; then sh -c "$wrap" >> "$SBATCH_LOG" 2>&1; else
  first="\${array%-*}"; last="\${array#*-}"; pids=()
  for i in $(seq "$first" "$last"); do SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=$((last - first + 1)) bash "$script" >> "$SBATCH_LOG" 2>&1 & pids+=($!); done
  for p in "\${pids[@]}"; do wait "$p"; done
fi
echo "$id"
`;

describe('scripts/cluster', () => {
  it('a single run, for reference', async () => {
    const r = await sh([...EDITLAB.split(' '), 'run', 'exp/spec.yaml', '--cache-dir', 'single-cache', '--results-dir', 'single', '--renderer', 'silent'], {});
    expect(r.code).toBe(0);
  });

  it('three array tasks at once over one cache, then merge: the single run\'s bytes', async () => {
    const env = (i: number) => ({ SPEC: 'exp/spec.yaml', SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: '3', EDITLAB_CACHE: join(ws.cwd, 'shared-cache'), EDITLAB_RESULTS: join(ws.cwd, 'array') });
    const tasks = await Promise.all([0, 1, 2].map((i) => sh(['bash', join(SCRIPTS, 'editlab-array.sbatch')], env(i))));
    for (const t of tasks) expect(t).toMatchObject({ code: 0 });
    expect(readdirSync(join(ws.cwd, 'array')).sort()).toEqual(['fake.shard-0-of-3.json', 'fake.shard-1-of-3.json', 'fake.shard-2-of-3.json']);
    const m = await sh([...EDITLAB.split(' '), 'merge', ...[0, 1, 2].map((i) => `array/fake.shard-${i}-of-3.json`), '--results-dir', 'array'], {});
    expect(m.code).toBe(0);
    for (const f of ['fake.csv', 'fake.meta.json']) expect(readFileSync(join(ws.cwd, 'array', f), 'utf8')).toBe(readFileSync(join(ws.cwd, 'single', f), 'utf8'));
    const missing = await sh(['bash', join(SCRIPTS, 'editlab-array.sbatch')], { SLURM_ARRAY_TASK_ID: '0' });
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain('set SPEC to the spec file');
  });

  it('submit.sh submits the array and a merge job after it (stand-in sbatch): the merged table is the single run\'s', async () => {
    const bin = join(ws.cwd, 'bin');
    ws.write({ 'bin/sbatch': FAKE_SBATCH });
    chmodSync(join(bin, 'sbatch'), 0o755);
    const log = join(ws.cwd, 'sbatch.log');
    writeFileSync(log, '');
    const r = await sh(['bash', join(SCRIPTS, 'submit.sh'), 'exp/spec.yaml', '2'], { PATH: `${bin}:${process.env['PATH']}`, SBATCH_LOG: log, EDITLAB_CACHE: join(ws.cwd, 'submit-cache'), EDITLAB_RESULTS: join(ws.cwd, 'submitted') });
    expect(r.code, readFileSync(log, 'utf8')).toBe(0);
    expect(r.out).toMatch(/^array \d+ {2}merge \d+\n$/);
    expect(readFileSync(log, 'utf8')).toContain('merged 2 shard(s)');
    for (const f of ['fake.csv', 'fake.meta.json']) expect(readFileSync(join(ws.cwd, 'submitted', f), 'utf8')).toBe(readFileSync(join(ws.cwd, 'single', f), 'utf8'));
  });
});
