// Runs bench/torch_step.py under /usr/bin/python3 in the thread settings the probe compared
// (docs/engine-backend.md §5): 2 threads + OMP_WAIT_POLICY=PASSIVE, strictly 1 thread, and torch's default.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PY = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_step.py', import.meta.url));

export interface TorchRun {
  setting: string;
  stepMs: number[];
  genMs: number[];
  loss0: number;
  sgemmGflops: number;
  version: string;
}

export const TORCH_SETTINGS: { name: string; threads: string; env: Record<string, string> }[] = [
  { name: '2 threads, OMP_WAIT_POLICY=PASSIVE', threads: '2', env: { OMP_WAIT_POLICY: 'PASSIVE' } },
  { name: '1 thread (OMP+OpenBLAS)', threads: '1', env: { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } },
  { name: 'default', threads: 'default', env: {} },
];

/** undefined + reason when torch is not importable. */
export function torchAvailable(): { ok: boolean; reason?: string } {
  if (!existsSync(PY)) return { ok: false, reason: `${PY} not found` };
  const r = spawnSync(PY, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, reason: `${PY} has no torch (apt-get install -y python3-torch)` };
  return { ok: true };
}

/** Try to install Debian's python3-torch when running as root with apt; returns whether torch is now there. */
export function tryInstallTorch(log: (s: string) => void): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return false;
  log('bench: installing python3-torch with apt-get (once) ...');
  const r = spawnSync('/bin/sh', ['-c', 'apt-get update -qq && apt-get install -y -qq python3-torch >/dev/null'], { stdio: 'inherit' });
  return r.status === 0 && torchAvailable().ok;
}

export function runTorch(size: string, steps: number, warmup: number, gen: boolean, setting: (typeof TORCH_SETTINGS)[number]): TorchRun {
  const args = [SCRIPT, size, String(steps), String(warmup), setting.threads, ...(gen ? [] : ['--no-gen'])];
  const r = spawnSync(PY, args, { encoding: 'utf8', env: { ...process.env, ...setting.env }, maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`torch bench failed (${setting.name}): ${r.stderr.trim().split('\n').pop()}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { step_ms: number[]; gen_ms: number[]; loss0: number; sgemm_gflops: number; torch: string };
  return { setting: setting.name, stepMs: j.step_ms, genMs: j.gen_ms, loss0: j.loss0, sgemmGflops: j.sgemm_gflops, version: j.torch };
}

const JOB_SCRIPT = fileURLToPath(new URL('./torch_job.py', import.meta.url));

export interface TorchJobRun {
  setting: string;
  jobMs: number[];
  editMs: number[];
  scoreMs: number[];
  genMs: number[];
  loss0: number[];
  version: string;
}

/** bench/torch_job.py on the job file bench/job-bench.ts wrote, in one thread setting. */
export function runTorchJob(jobFile: string, setting: (typeof TORCH_SETTINGS)[number]): TorchJobRun {
  const r = spawnSync(PY, [JOB_SCRIPT, jobFile, setting.threads], { encoding: 'utf8', env: { ...process.env, ...setting.env }, maxBuffer: 1 << 22 });
  if (r.status !== 0) throw new Error(`torch job failed (${setting.name}): ${r.stderr.trim().split('\n').pop()}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { job_ms: number[]; edit_ms: number[]; score_ms: number[]; gen_ms: number[]; loss0: number[]; torch: string };
  return { setting: setting.name, jobMs: j.job_ms, editMs: j.edit_ms, scoreMs: j.score_ms, genMs: j.gen_ms, loss0: j.loss0, version: j.torch };
}
