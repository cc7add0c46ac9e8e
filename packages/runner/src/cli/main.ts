// The editlab CLI: dispatch, --help, and the one place errors become messages and exit codes.
// A user mistake (bad spec, bad option, missing file, no network) prints a message, never a stack
// trace; an unexpected exception is a bug and prints its stack with exit code 70.
import { RunnerError } from '../errors';
import { hintFor } from '../util/suggest';
import { HELP } from './help';
import { EXIT, processIo } from './io';
import type { Io } from './io';
import { mergeCmd, planCmd, runCmd, validateCmd } from './experiment-commands';
import { dataCmd, diffCmd, plotCmd } from './other-commands';
import { pretrainCmd } from './pretrain-command';
import { modelCmd } from './model-command';
import { methodsCmd } from './methods-command';
import { traceCmd } from './trace-command';
import { compareCmd } from './compare-command';
import { packageVersions } from '../defaults';

type Command = (argv: readonly string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  validate: validateCmd, plan: planCmd, run: runCmd, merge: mergeCmd, diff: diffCmd, compare: compareCmd, plot: plotCmd, data: dataCmd, model: modelCmd, methods: methodsCmd, pretrain: pretrainCmd, trace: traceCmd,
};

const EXIT_BY_CODE: Record<string, number> = { SPEC_INVALID: EXIT.usage, USAGE: EXIT.usage, ABORTED: EXIT.interrupted };

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.out(String(packageVersions()['@editlab/runner'] ?? 'unknown'));
    return EXIT.ok;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP['main']!);
    return name ? EXIT.ok : EXIT.usage;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.err(`editlab: unknown command '${name}' (${hintFor(name, Object.keys(COMMANDS))}); see editlab --help`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(HELP[name]!);
    return EXIT.ok;
  }
  try {
    return await cmd(rest, io);
  } catch (e) {
    if (e instanceof RunnerError) {
      io.err(e.code === 'SPEC_INVALID' ? `${e.message}\nspec invalid (${e.message.split('\n').length} problem(s))` : `editlab ${name}: ${e.message}`);
      return EXIT_BY_CODE[e.code] ?? EXIT.runtime;
    }
    const sys = e as NodeJS.ErrnoException;
    if (e instanceof Error && typeof sys.syscall === 'string') {
      // The operating system refused something (permissions, full disk, a path that is a directory …).
      io.err(`editlab ${name}: ${sys.message}`);
      return EXIT.runtime;
    }
    const code = (e as { code?: unknown }).code;
    if (e instanceof Error && typeof code === 'string' && /^[A-Z_]+$/.test(code) && e.constructor !== Error) {
      // A typed error from another editlab package (bad data file, unknown backend …): a message, no stack.
      io.err(`editlab ${name}: [${code}] ${e.message}`);
      return EXIT.runtime;
    }
    io.err(`editlab ${name}: internal error (a bug, please report it):\n${e instanceof Error ? e.stack : String(e)}`);
    return EXIT.internal;
  }
}
