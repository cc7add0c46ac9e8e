// Which registries the CLI uses: the built-in ones (defaults.ts: engine methods and models,
// datasets loaders, metrics), or a module named by --registries / EDITLAB_REGISTRIES that exports
// `registries`, a default export, or `createRegistries()` — how a user plugs in their own methods.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import type { Registries } from '../registries';
import { UsageError } from '../errors';
import { defaultRegistries } from '../defaults';
import { withBuiltins } from '../builtin-metrics';
import type { Io } from './io';

export async function loadRegistries(io: Io, module: string | undefined): Promise<Registries> {
  const name = module ?? io.env['EDITLAB_REGISTRIES'];
  if (!name) return withBuiltins(defaultRegistries());
  const abs = resolve(io.cwd, name);
  if (!existsSync(abs)) throw new UsageError(`registries module not found: ${abs}`);
  const mod = (await import(pathToFileURL(abs).href)) as { registries?: Registries; default?: Registries; createRegistries?: () => Promise<Registries> | Registries };
  const reg = mod.registries ?? mod.default ?? (await mod.createRegistries?.());
  if (!reg || !(reg.methods instanceof Map)) {
    throw new UsageError(`${abs}: must export \`registries\` (or a default export, or createRegistries()) implementing the runner's Registries`);
  }
  return withBuiltins(reg);
}
