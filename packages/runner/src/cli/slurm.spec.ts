// scripts/cluster/ on a real Slurm (docs/cluster.md, "Tests"): a private single-node controller and daemon
// (testing/slurm.ts), the repo's submit.sh submitting a 4-task array of a small spec (16 records in chunks
// of 4: one cell per task) and the merge job after it; the merged CSV and meta are byte-identical to one
// `editlab run` of the same spec with its own cache. Skipped, with the reason in its title, where Slurm is
// not installed or the test does not run as root (.ci/run installs Debian's slurm-wlm when it runs as root).
// Every `editlab` process starts tsx, so on a loaded host this file takes minutes; no timing is asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_SPEC, tmpWorkspace, type TmpWorkspace } from '../testing/tmp';
import { PKG, PLUGIN } from '../testing/cli';
import { sh } from '../testing/shell';
import { slurmSkipReason, slurmVersion, startSlurm, waitForJob, type SlurmCluster } from '../testing/slurm';

const SKIP = slurmSkipReason();
const SUBMIT = join(PKG, '../../scripts/cluster/submit.sh');
const EDITLAB = `${process.execPath} ${join(PKG, 'bin/editlab.mjs')}`;
const MINUTES = 60_000;

describe.skipIf(SKIP !== undefined)(`scripts/cluster on a private single-node Slurm${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let ws: TmpWorkspace;
  let cluster: SlurmCluster | undefined;
  beforeAll(async () => {
    ws = tmpWorkspace({ 'exp/spec.yaml': BASE_SPEC.replace('params: { n: 12 }', 'params: { n: 16 }') });
    cluster = await startSlurm(join(ws.cwd, 'slurm'));
  }, 2 * MINUTES);
  afterAll(async () => {
    await cluster?.stop();
    ws?.cleanup();
  }, MINUTES);
  const env = (more: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...cluster!.env, EDITLAB, EDITLAB_REGISTRIES: PLUGIN, ...more });

  it(`submit.sh: a 4-task array and its merge job on ${slurmVersion() || 'Slurm'}; the merged table is a single run's bytes`, async () => {
    const single = await sh([...EDITLAB.split(' '), 'run', 'exp/spec.yaml', '--cache-dir', 'single-cache', '--results-dir', 'single', '--renderer', 'silent'], { cwd: ws.cwd, env: env() });
    expect(single.code, single.out).toBe(0);

    // One CPU and little memory per task (the script asks for 2 CPUs and 8G), so the tasks fit any test host.
    const submit = await sh(['bash', SUBMIT, 'exp/spec.yaml', '4', '--cpus-per-task=1', '--mem=256M'], {
      cwd: ws.cwd,
      env: env({ EDITLAB_CACHE: join(ws.cwd, 'shared-cache'), EDITLAB_RESULTS: join(ws.cwd, 'array') }),
    });
    expect(submit.code, `${submit.out}\n${cluster!.logs()}`).toBe(0);
    const [, arrayId, mergeId] = /^array (\d+) {2}merge (\d+)\n$/.exec(submit.out) ?? [];
    expect(arrayId, submit.out).toBeDefined();

    const logs = (): string => readdirSync(ws.cwd).filter((f) => f.endsWith('.log')).map((f) => `--- ${f}\n${readFileSync(join(ws.cwd, f), 'utf8')}`).join('\n');
    const tasks = await waitForJob(cluster!, arrayId!, ws.cwd, 8 * MINUTES);
    expect(tasks, logs()).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(await waitForJob(cluster!, mergeId!, ws.cwd, 4 * MINUTES), logs()).toEqual(['COMPLETED']);

    expect(readdirSync(join(ws.cwd, 'array')).filter((f) => f.includes('.shard-')).sort()).toEqual([0, 1, 2, 3].map((i) => `fake.shard-${i}-of-4.json`));
    for (let i = 0; i < 4; i++) expect(readFileSync(join(ws.cwd, `editlab-${arrayId}_${i}.log`), 'utf8')).toContain(`fake.shard-${i}-of-4.json`);
    expect(readFileSync(join(ws.cwd, `editlab-merge-${mergeId}.log`), 'utf8')).toContain('merged 4 shard(s)');
    for (const f of ['fake.csv', 'fake.meta.json']) expect(readFileSync(join(ws.cwd, 'array', f))).toEqual(readFileSync(join(ws.cwd, 'single', f)));
  }, 15 * MINUTES);
});
