// Where the CLI writes: injected so tests run commands in-process and read what they print.
export interface Io {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export function processIo(): Io {
  return {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes: 0 ok; 1 the command ran but found failures (cells, regressions, malformed records); 2 usage or spec error; 3 runtime error (network, cache, shards); 70 internal bug; 130 interrupted (SIGINT, Ctrl-C); 143 terminated (SIGTERM). */
export const EXIT = { ok: 0, failures: 1, usage: 2, runtime: 3, internal: 70, interrupted: 130, terminated: 143 } as const;
