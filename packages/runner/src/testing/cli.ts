// The CLI specs' harness: a temporary workspace holding a valid spec (exp/spec.yaml) and a misspelled one
// (exp/bad.yaml) over the fake registries, and `cli(...argv)`, which runs `main` in it and collects the output.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { main } from '../cli/main';
import type { Io } from '../cli/io';
import { BASE_SPEC, tmpWorkspace, type TmpWorkspace } from './tmp';

/** The runner package's root (for bin/editlab.mjs). */
export const PKG = fileURLToPath(new URL('../../', import.meta.url));
/** The fake registries module the CLI loads (--registries / EDITLAB_REGISTRIES). */
export const PLUGIN = resolve(PKG, 'src/testing/fake-plugin.ts');

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export function cliWorkspace(): { ws: TmpWorkspace; cli: (...argv: string[]) => Promise<CliResult> } {
  const ws = tmpWorkspace({ 'exp/spec.yaml': BASE_SPEC, 'exp/bad.yaml': BASE_SPEC.replace('table-ft', 'tabel-ft') });
  const cli = async (...argv: string[]): Promise<CliResult> => {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env: { EDITLAB_REGISTRIES: PLUGIN }, cwd: ws.cwd };
    const code = await main(argv, io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return { ws, cli };
}
