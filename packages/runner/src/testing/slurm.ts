// A private single-node Slurm cluster for tests (docs/cluster.md, "Tests"): a slurm.conf under a temporary
// directory that names this host as controller and only node, with its own state, spool, logs and two free
// ports, so it cannot clash with a Slurm the host already runs; slurmctld and slurmd run in the foreground
// (-D) as children of the test and are stopped by `stop()`. Authentication is auth/none (no munge daemon),
// which Debian's Slurm (22.05) ships; `slurmSkipReason()` says why the cluster cannot start on this host.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sh } from './shell';

const DAEMONS = ['slurmctld', 'slurmd'];
const CLIENTS = ['sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'];
/** Where distributions put Slurm's plugins (Debian's multiarch directory first). */
const PLUGIN_DIRS = ['/usr/lib/x86_64-linux-gnu/slurm-wlm', '/usr/lib/aarch64-linux-gnu/slurm-wlm', '/usr/lib64/slurm', '/usr/lib/slurm', '/usr/local/lib/slurm'];
export const PARTITION = 'editlab';

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The directory holding auth_none.so, or undefined. */
function pluginDir(): string | undefined {
  return PLUGIN_DIRS.find((d) => existsSync(join(d, 'auth_none.so')));
}

/** Why a private Slurm cannot start here (undefined when it can). */
export function slurmSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'Slurm runs on Linux';
  const missing = [...DAEMONS, ...CLIENTS].filter((c) => !onPath(c));
  if (missing.length > 0) return `Slurm is not installed (${missing.join(', ')} not on PATH; .ci/run installs Debian's slurm-wlm as root)`;
  if (process.getuid?.() !== 0) return 'slurmd must run as root to start jobs';
  if (pluginDir() === undefined) return `this Slurm has no auth/none plugin (looked in ${PLUGIN_DIRS.join(', ')})`;
  return undefined;
}

/** The installed Slurm's version ("slurm-wlm 22.05.8"). */
export function slurmVersion(): string {
  return (spawnSync('slurmctld', ['-V'], { encoding: 'utf8' }).stdout ?? '').trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface SlurmCluster {
  /** The environment for Slurm's client commands (SLURM_CONF points at the private slurm.conf). */
  env: NodeJS.ProcessEnv;
  /** The daemons' logs, for failure messages. */
  logs(): string;
  /** Cancels every job of the partition, stops slurmd and slurmctld and waits for them to exit. */
  stop(): Promise<void>;
}

/** Starts slurmctld and slurmd over `dir` and waits (up to `readyMs`) until the node is idle. */
export async function startSlurm(dir: string, readyMs = 60_000): Promise<SlurmCluster> {
  for (const d of ['state', 'spool', 'log']) mkdirSync(join(dir, d), { recursive: true });
  // `slurmd -C` prints this host's node line as slurmd sees it (hostname -s, CPUs, sockets, RealMemory), so
  // the node registers without a "configuration differs from hardware" drain.
  const node = spawnSync('slurmd', ['-C'], { encoding: 'utf8' }).stdout.split('\n')[0]!.trim();
  const host = /^NodeName=(\S+)/.exec(node)?.[1];
  if (host === undefined) throw new Error(`slurmd -C printed no node line: ${node}`);
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=editlabtest',
      `SlurmctldHost=${host}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/none',
      'CredType=cred/none',
      `PluginDir=${pluginDir()}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log/slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log/slurmd.log')}`,
      // no cgroups (a container may not delegate them), no accounting database, no MPI
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'MpiDefault=none',
      'SchedulerType=sched/builtin',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'ReturnToService=2',
      `${node} NodeAddr=127.0.0.1 State=UNKNOWN`,
      `PartitionName=${PARTITION} Nodes=ALL Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: ChildProcess[] = [];
  const daemonOut: string[] = [];
  for (const [cmd, args] of [['slurmctld', ['-D', '-c']], ['slurmd', ['-D', '-N', host]]] as const) {
    const child = spawn(cmd, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => daemonOut.push(d.toString()));
    child.stderr.on('data', (d: Buffer) => daemonOut.push(d.toString()));
    child.on('error', (e) => daemonOut.push(`${cmd}: ${String(e)}\n`));
    daemons.push(child);
  }
  // Should the test process end without stop() (a killed worker), the daemons end with it.
  const killAll = (): void => {
    for (const child of daemons) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  const logs = (): string =>
    [daemonOut.join(''), ...['slurmctld', 'slurmd'].map((d) => join(dir, `log/${d}.log`)).filter(existsSync).map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-30).join('\n')}`)].join('\n');
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killAll);
    await sh(['scancel', `--partition=${PARTITION}`], { cwd: dir, env });
    for (const child of [...daemons].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + readyMs;
  for (;;) {
    const state = (await sh(['sinfo', '-h', '-N', '-o', '%T'], { cwd: dir, env })).out.trim();
    if (state === 'idle') return { env, logs, stop };
    if (Date.now() > deadline || daemons.some((c) => c.exitCode !== null)) {
      await stop();
      throw new Error(`the private Slurm did not come up (sinfo: ${state})\n${logs()}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const DONE = /JobState=(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)/g;

/** Waits until every job (array tasks included) of `jobId` has ended; returns their final states. */
export async function waitForJob(cluster: SlurmCluster, jobId: string, cwd: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await sh(['scontrol', 'show', 'job', jobId], { cwd, env: cluster.env });
    const states = [...r.out.matchAll(/JobState=(\S+)/g)].map((m) => m[1]!);
    const done = [...r.out.matchAll(DONE)].length;
    if (r.code === 0 && states.length > 0 && done === states.length) return states;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not end in ${timeoutMs / 1000} s: ${r.out}\n${cluster.logs()}`);
    await new Promise((res) => setTimeout(res, 1000));
  }
}
