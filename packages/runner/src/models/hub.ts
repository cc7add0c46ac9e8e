// `editlab model fetch`: a checkpoint from the Hugging Face hub, or any server that speaks its HTTP
// interface (a mirror named by HF_ENDPOINT, as huggingface_hub reads it), into the local model cache.
// The hub's interface, as huggingface_hub uses it:
//   GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true → { sha, siblings: [{ rfilename, size,
//       blobId, lfs?: { sha256, size } }] } (blobId: git's blob id; lfs.sha256: the content's sha256)
//   GET {endpoint}/{repo}/resolve/{revision}/{file} → the file (Range requests honoured)
//   Authorization: Bearer $HF_TOKEN for gated and private repositories.
// Fetched: config.json, tokenizer.json (tokenizer_config.json and generation_config.json when present)
// and the safetensors weights (the shards model.safetensors.index.json names, or model.safetensors).
// Each file is verified against the hub's sha256 (LFS) or git blob id and renamed into place only then,
// so a present file is a verified one; a broken download resumes (util/download.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RunnerError } from '../errors';
import { downloadFile } from '../util/download';
import { writeFileAtomic } from '../util/atomic';
import { stableJson } from '../util/json';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
/** Written last into a fetched snapshot: what was fetched from where, and each file's verified digest. */
export const MANIFEST = 'editlab-fetch.json';

export interface HubRef {
  readonly repo: string;
  readonly revision: string;
  /** Base URL without a trailing slash. */
  readonly endpoint: string;
}

const REPO = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
const REVISION = /^[\w.-]+$/;

/** A repo id problem, or undefined: owner/name of letters, digits, '-', '_', '.'. */
export function repoProblem(repo: string): string | undefined {
  if (!REPO.test(repo) || repo.includes('..')) return `'${repo}' is not a Hugging Face repo id (owner/name, e.g. meta-llama/Llama-2-7b-hf)`;
  return undefined;
}

/**
 * `owner/name`, `owner/name@revision`, or a URL of a repository page (https://huggingface.co/owner/name,
 * optionally /tree/<revision>): the URL's origin then is the endpoint.
 */
export function parseHubRef(arg: string, env: NodeJS.ProcessEnv, revision?: string): HubRef {
  const envEndpoint = (env['HF_ENDPOINT'] || DEFAULT_ENDPOINT).replace(/\/+$/, '');
  if (/^https?:\/\//.test(arg)) {
    const u = new URL(arg);
    const parts = u.pathname.split('/').filter(Boolean);
    const [owner, name, tree, rev] = parts;
    const repo = `${owner ?? ''}/${name ?? ''}`;
    const bad = repoProblem(repo);
    if (bad || (tree !== undefined && tree !== 'tree') || parts.length > 4) throw new RunnerError('USAGE', `${arg}: not a repository URL (expected ${u.origin}/owner/name or ${u.origin}/owner/name/tree/revision)`);
    return { repo, revision: revision ?? rev ?? 'main', endpoint: `${u.origin}${u.pathname.slice(0, u.pathname.indexOf(`/${owner}/${name}`))}` };
  }
  const [repo, rev] = arg.split('@') as [string, string | undefined];
  const bad = repoProblem(repo);
  if (bad) throw new RunnerError('USAGE', bad);
  const r = revision ?? rev ?? 'main';
  if (!REVISION.test(r)) throw new RunnerError('USAGE', `revision '${r}' must be a branch, tag or commit (letters, digits, '-', '_', '.')`);
  return { repo, revision: r, endpoint: envEndpoint };
}

/** The model cache: $EDITLAB_MODEL_CACHE, else $XDG_CACHE_HOME/editlab/models, else ~/.cache/editlab/models. */
export function modelCacheDir(env: NodeJS.ProcessEnv): string {
  if (env['EDITLAB_MODEL_CACHE']) return env['EDITLAB_MODEL_CACHE'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'editlab', 'models');
}

/** Where a repo's revision lives in the cache: <cache>/<owner>/<name>/<revision>/. */
export function snapshotDir(cache: string, repo: string, revision = 'main'): string {
  const [owner, name] = repo.split('/') as [string, string];
  return join(cache, owner, name, revision);
}

export interface ManifestFile {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface Manifest {
  readonly repo: string;
  readonly revision: string;
  /** The commit the revision resolved to (the hub's `sha`), when the server said. */
  readonly commit: string | null;
  readonly endpoint: string;
  readonly files: readonly ManifestFile[];
}

/** The manifest of a fetched snapshot, or undefined when it is not (completely) fetched. */
export function readManifest(dir: string): Manifest | undefined {
  const f = join(dir, MANIFEST);
  if (!existsSync(f)) return undefined;
  const m = JSON.parse(readFileSync(f, 'utf8')) as Manifest;
  return m.files.every((x) => existsSync(join(dir, x.file)) && statSync(join(dir, x.file)).size === x.bytes) ? m : undefined;
}

interface Sibling {
  readonly rfilename: string;
  readonly size?: number;
  readonly blobId?: string;
  readonly lfs?: { readonly sha256?: string; readonly size?: number };
}

export interface FetchModelOptions {
  readonly cache: string;
  readonly token?: string;
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  /** Called as bytes arrive: (file, bytes so far, total). */
  readonly progress?: (file: string, done: number, total: number | undefined) => void;
}

const OPTIONAL = ['tokenizer_config.json', 'generation_config.json'];
const INDEX = 'model.safetensors.index.json';

function httpHint(ref: HubRef, token: string | undefined) {
  return (status: number): string =>
    status === 401 || status === 403
      ? token ? `the token in HF_TOKEN has no access to ${ref.repo} (accept its licence on the hub, or check the token)` : `${ref.repo} is gated or private: set HF_TOKEN to a token with access`
      : status === 404 ? `no repository ${ref.repo} at revision ${ref.revision} on ${ref.endpoint}` : 'the server refused the request';
}

async function getJson<T>(url: string, headers: Record<string, string>, ref: HubRef, o: FetchModelOptions): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
  } catch (e) {
    const why = (e as { cause?: NodeJS.ErrnoException }).cause?.code ?? (e as Error).message;
    throw unreachable(ref, why);
  }
  if (!res.ok) throw new RunnerError('NETWORK', `${url}: HTTP ${res.status} ${res.statusText}: ${httpHint(ref, o.token)(res.status)}`);
  return (await res.json()) as T;
}

function unreachable(ref: HubRef, why: string): RunnerError {
  return new RunnerError('NETWORK', `cannot reach ${ref.endpoint} (${why}); set HF_ENDPOINT to a mirror, or fetch on a machine with internet and copy the model cache (EDITLAB_MODEL_CACHE)`);
}

/** The files to fetch, from the repository listing and (for sharded weights) the index. */
function weightFiles(siblings: readonly Sibling[], index: { weight_map?: Record<string, string> } | undefined, ref: HubRef): string[] {
  const names = new Set(siblings.map((s) => s.rfilename));
  if (index) {
    const shards = [...new Set(Object.values(index.weight_map ?? {}))].sort();
    const missing = shards.filter((s) => !names.has(s));
    if (!shards.length || missing.length) throw new RunnerError('DATA', `${ref.repo}: ${INDEX} names ${missing.length ? `shards the repository lacks: ${missing.join(', ')}` : 'no shards'}`);
    return shards;
  }
  if (names.has('model.safetensors')) return ['model.safetensors'];
  const other = [...names].filter((n) => /\.(bin|pt|pth|gguf)$/.test(n));
  throw new RunnerError('DATA', `${ref.repo}@${ref.revision} has no safetensors weights (model.safetensors or ${INDEX})${other.length ? `; it has ${other.slice(0, 3).join(', ')}, which editlab does not read (convert them to safetensors)` : ''}`);
}

/** Download a checkpoint into <cache>/<owner>/<name>/<revision>/; returns that directory and its manifest. */
export async function fetchModel(ref: HubRef, o: FetchModelOptions): Promise<{ dir: string; manifest: Manifest; downloaded: number }> {
  const headers: Record<string, string> = o.token ? { Authorization: `Bearer ${o.token}` } : {};
  const dir = snapshotDir(o.cache, ref.repo, ref.revision);
  const api = `${ref.endpoint}/api/models/${ref.repo}/revision/${encodeURIComponent(ref.revision)}?blobs=true`;
  const info = await getJson<{ sha?: string; siblings?: Sibling[] }>(api, headers, ref, o);
  const siblings = info.siblings ?? [];
  const byName = new Map(siblings.map((s) => [s.rfilename, s]));
  for (const need of ['config.json', 'tokenizer.json']) {
    if (!byName.has(need)) throw new RunnerError('DATA', `${ref.repo}@${ref.revision} has no ${need} (editlab needs config.json, tokenizer.json and safetensors weights)`);
  }
  const resolveUrl = (f: string) => `${ref.endpoint}/${ref.repo}/resolve/${encodeURIComponent(info.sha ?? ref.revision)}/${f}`;
  const files: ManifestFile[] = [];
  let downloaded = 0;
  const get = async (file: string): Promise<void> => {
    const s = byName.get(file)!;
    const bytes = s.lfs?.size ?? s.size;
    const target = join(dir, file);
    const old = readManifestEntry(dir, file);
    if (existsSync(target) && old && (bytes === undefined || old.bytes === bytes) && (!s.lfs?.sha256 || old.sha256 === s.lfs.sha256)) {
      o.log?.(`${file}: already fetched`);
      files.push(old);
      return;
    }
    o.log?.(`${file}${bytes !== undefined ? ` (${formatBytes(bytes)})` : ''} ← ${resolveUrl(file)}`);
    const r = await downloadFile(resolveUrl(file), target, {
      headers, timeoutMs: o.timeoutMs ?? 30_000,
      expect: { ...(bytes !== undefined ? { bytes } : {}), ...(s.lfs?.sha256 ? { sha256: s.lfs.sha256 } : s.blobId ? { gitSha1: s.blobId } : {}) },
      unreachable: (why) => unreachable(ref, why),
      httpError: httpHint(ref, o.token),
      onProgress: (done, total) => o.progress?.(file, done, total),
    });
    if (r.resumedFrom > 0) o.log?.(`${file}: resumed at ${formatBytes(r.resumedFrom)}`);
    downloaded += r.bytes - r.resumedFrom;
    files.push({ file, bytes: r.bytes, sha256: r.sha256 });
    writeFileAtomic(join(dir, `${MANIFEST}.partial`), stableJson({ files }));
  };
  for (const f of ['config.json', 'tokenizer.json', ...OPTIONAL.filter((n) => byName.has(n))]) await get(f);
  let index: { weight_map?: Record<string, string> } | undefined;
  if (byName.has(INDEX)) {
    await get(INDEX);
    try {
      index = JSON.parse(readFileSync(join(dir, INDEX), 'utf8')) as typeof index;
    } catch (e) {
      throw new RunnerError('DATA', `${ref.repo}: ${INDEX} is not JSON (${(e as Error).message})`);
    }
  }
  for (const f of weightFiles(siblings, index, ref)) await get(f);
  const manifest: Manifest = { repo: ref.repo, revision: ref.revision, commit: info.sha ?? null, endpoint: ref.endpoint, files: [...files].sort((a, b) => (a.file < b.file ? -1 : 1)) };
  writeFileAtomic(join(dir, MANIFEST), stableJson(manifest));
  return { dir, manifest, downloaded };
}

/** A file's entry in the snapshot's manifest (complete or partial), if it was verified before. */
function readManifestEntry(dir: string, file: string): ManifestFile | undefined {
  for (const m of [MANIFEST, `${MANIFEST}.partial`]) {
    const p = join(dir, m);
    if (!existsSync(p)) continue;
    const hit = (JSON.parse(readFileSync(p, 'utf8')) as { files: ManifestFile[] }).files.find((x) => x.file === file);
    if (hit) return hit;
  }
  return undefined;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}
