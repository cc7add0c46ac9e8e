// A child process for the CLI/cluster tests: runs a command to its end and collects stdout and stderr together.
import { spawn } from 'node:child_process';

export interface ShellResult {
  code: number | null;
  out: string;
}

export function sh(cmd: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (e) => resolve({ code: null, out: out + String(e) }));
    child.on('exit', (code) => resolve({ code, out }));
  });
}
