// editlab methods [id…] [--json]: the registered methods with what they take and their params' defaults,
// the way EasyEdit's hparams files list them; --json for scripts and notebooks.
import { UsageError } from '../errors';
import type { EntryBase, MethodEntry } from '../registries';
import { hintFor } from '../util/suggest';
import { parse, str } from './args';
import { loadRegistries } from './registries';
import { EXIT } from './io';
import type { Io } from './io';

interface ParamInfo {
  readonly name: string;
  readonly type: string;
  readonly default?: unknown;
  readonly description?: string;
}

function paramsOf(e: EntryBase): ParamInfo[] {
  const props = (e.paramsSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(props).map(([name, s]) => ({
    name,
    type: Array.isArray(s['enum']) ? (s['enum'] as unknown[]).map(String).join('|') : String(s['type'] ?? 'any'),
    ...('default' in s ? { default: s['default'] } : {}),
    ...(typeof s['description'] === 'string' ? { description: s['description'] } : {}),
  }));
}

function methodInfo(m: MethodEntry) {
  return {
    id: m.id, version: m.version, description: m.description ?? '', accepts: m.accepts ?? ['rewrite'],
    ...(m.maxBatch !== undefined ? { maxBatch: m.maxBatch } : {}), stages: (m.stages ?? []).map((s) => s.name), params: paramsOf(m),
  };
}

export async function methodsCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('methods', argv, { json: { type: 'boolean' }, registries: { type: 'string' } });
  const reg = await loadRegistries(io, str(p, 'registries'));
  for (const id of p.positionals) {
    if (!reg.methods.has(id)) throw new UsageError(`methods: no method '${id}' (${hintFor(id, [...reg.methods.keys()])})`);
  }
  const chosen = [...reg.methods.values()].filter((m) => !p.positionals.length || p.positionals.includes(m.id)).map(methodInfo);
  if (p.values['json'] === true) {
    io.out(JSON.stringify(chosen));
    return EXIT.ok;
  }
  for (const m of chosen) {
    io.out(`${m.id}  (takes ${m.accepts.join(', ')}${m.stages.length ? `; stages: ${m.stages.join(', ')}` : ''})${m.description ? `  ${m.description}` : ''}`);
    const w = Math.max(0, ...m.params.map((x) => x.name.length));
    for (const x of m.params) io.out(`    ${x.name.padEnd(w)}  ${x.default !== undefined ? `= ${JSON.stringify(x.default)}` : `(${x.type})`}${x.description ? `  ${x.description}` : ''}`);
  }
  return EXIT.ok;
}
