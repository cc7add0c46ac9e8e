// editlab model fetch <owner/name | URL> [--revision r] [--cache dir]: a Hugging Face checkpoint into the
// model cache (models/hub.ts), with progress on stderr; `editlab model path <repo>` prints where it is.
import { displayPath } from '../experiment-spec/load';
import { UsageError } from '../errors';
import { fetchModel, formatBytes, modelCacheDir, parseHubRef, readManifest, snapshotDir } from '../models/hub';
import { parse, str, num } from './args';
import { EXIT } from './io';
import type { Io } from './io';

/** One progress line per file per tenth of it (and at its end), so a log stays short. */
function progressLines(io: Io): (file: string, done: number, total: number | undefined) => void {
  const shown = new Map<string, number>();
  return (file, done, total) => {
    if (!total) return;
    const tenth = Math.floor((10 * done) / total);
    if ((shown.get(file) ?? 0) >= tenth) return;
    shown.set(file, tenth);
    io.err(`  ${file}: ${formatBytes(done)} of ${formatBytes(total)} (${tenth * 10}%)`);
  };
}

export async function modelCmd(argv: readonly string[], io: Io): Promise<number> {
  const [sub, ...args] = argv;
  const p = parse(`model ${sub ?? ''}`.trim(), args, { revision: { type: 'string' }, cache: { type: 'string' }, timeout: { type: 'string' }, json: { type: 'boolean' } });
  const cache = str(p, 'cache') ?? modelCacheDir(io.env);
  const [target, ...rest] = p.positionals;
  if ((sub === 'fetch' || sub === 'path') && (!target || rest.length)) throw new UsageError(`model ${sub}: give one repo id or URL, e.g. editlab model ${sub} meta-llama/Llama-2-7b-hf`);
  if (sub === 'fetch') {
    const ref = parseHubRef(target!, io.env, str(p, 'revision'));
    io.err(`editlab model fetch ${ref.repo}@${ref.revision} from ${ref.endpoint} → ${displayPath(snapshotDir(cache, ref.repo, ref.revision), io.cwd)}`);
    const token = io.env['HF_TOKEN'] || undefined;
    const r = await fetchModel(ref, { cache, ...(token ? { token } : {}), timeoutMs: (num(p, 'timeout') ?? 30) * 1000, log: (l) => io.err(`  ${l}`), progress: progressLines(io) });
    const total = r.manifest.files.reduce((a, f) => a + f.bytes, 0);
    if (p.values['json'] === true) {
      io.out(JSON.stringify({ dir: r.dir, downloadedBytes: r.downloaded, ...r.manifest }));
      return EXIT.ok;
    }
    io.out(`ok  ${ref.repo}@${ref.revision}${r.manifest.commit ? ` (${r.manifest.commit.slice(0, 12)})` : ''}: ${r.manifest.files.length} file(s), ${formatBytes(total)} (${formatBytes(r.downloaded)} downloaded) in ${displayPath(r.dir, io.cwd)}`);
    io.out(`use it in a spec:  models: [hf: ${ref.repo}${ref.revision === 'main' ? '' : `@${ref.revision}`}]`);
    return EXIT.ok;
  }
  if (sub === 'path') {
    const ref = parseHubRef(target!, io.env, str(p, 'revision'));
    const dir = snapshotDir(cache, ref.repo, ref.revision);
    if (!readManifest(dir)) {
      io.err(`editlab model path: ${ref.repo}@${ref.revision} is not fetched (${dir}): run editlab model fetch ${target}`);
      return EXIT.failures;
    }
    io.out(dir);
    return EXIT.ok;
  }
  throw new UsageError(`model: unknown subcommand '${sub ?? ''}' (use: model fetch <repo>, model path <repo>)`);
}
