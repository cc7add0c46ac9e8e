// One file over HTTP(S) into place: streamed to `<target>.part`, resumed from its length with a Range
// request when the server honours it (206), checked against the size and digests the caller expects,
// then renamed onto the target. A target therefore exists only once verified; an interrupted download
// leaves a `.part` file that the next call continues. Used by `editlab data fetch` and `editlab model fetch`.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RunnerError } from '../errors';

export interface Expected {
  readonly bytes?: number;
  readonly sha256?: string;
  /** Git's blob id (sha1 of "blob <size>\0" + content): what the Hugging Face hub lists for files not in LFS. */
  readonly gitSha1?: string;
}

export interface DownloadOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly expect?: Expected;
  /** Milliseconds for the response to start. */
  readonly timeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
  /** Called as bytes arrive: (bytes so far, total when known). */
  readonly onProgress?: (done: number, total: number | undefined) => void;
  /** Turns a failed request into the error to throw (e.g. the "no network" message). */
  readonly unreachable?: (why: string) => RunnerError;
  /** Describes an HTTP error status (e.g. 401: "set HF_TOKEN"). */
  readonly httpError?: (status: number, statusText: string) => string;
}

export interface Downloaded {
  readonly bytes: number;
  readonly sha256: string;
  /** Bytes that came from an earlier, interrupted download (0 when it started from scratch). */
  readonly resumedFrom: number;
}

function digests(size: number | undefined): { sha: Hash; git?: Hash } {
  const git = size === undefined ? undefined : createHash('sha1').update(`blob ${size}\0`);
  return { sha: createHash('sha256'), ...(git ? { git } : {}) };
}

async function hashFile(file: string, into: Hash[]): Promise<void> {
  for await (const c of createReadStream(file)) for (const h of into) h.update(c as Buffer);
}

export async function downloadFile(url: string, target: string, o: DownloadOptions = {}): Promise<Downloaded> {
  const part = `${target}.part`;
  mkdirSync(dirname(target), { recursive: true });
  const have = existsSync(part) ? statSync(part).size : 0;
  const headers: Record<string, string> = { ...(o.headers ?? {}), ...(have > 0 ? { Range: `bytes=${have}-` } : {}) };
  let res: Response;
  try {
    res = await (o.fetchImpl ?? fetch)(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
  } catch (e) {
    const cause = (e as { cause?: NodeJS.ErrnoException }).cause;
    const why = cause?.code ?? (e as Error).message;
    throw o.unreachable?.(why) ?? new RunnerError('NETWORK', `${url}: ${why}`);
  }
  // 416: the part file already holds every byte (a download killed between its last byte and the rename).
  const complete = res.status === 416 && have > 0;
  if (!complete && (!res.ok || !res.body)) {
    throw new RunnerError('NETWORK', `${url}: HTTP ${res.status} ${res.statusText}${o.httpError ? `: ${o.httpError(res.status, res.statusText)}` : ''}`);
  }
  const resumed = res.status === 206 || complete;
  const start = resumed ? have : 0;
  const length = Number(res.headers.get('content-length') ?? NaN);
  const total = o.expect?.bytes ?? (Number.isFinite(length) && !complete ? start + length : undefined);
  const { sha, git } = digests(o.expect?.gitSha1 ? total : undefined);
  const hashes = git ? [sha, git] : [sha];
  if (start > 0) await hashFile(part, hashes);
  let bytes = start;
  if (!complete) {
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (c: Buffer) => {
      for (const h of hashes) h.update(c);
      bytes += c.length;
      o.onProgress?.(bytes, total);
    });
    try {
      await pipeline(body, createWriteStream(part, { flags: start > 0 ? 'a' : 'w' }));
    } catch (e) {
      // What arrived stays in the .part file: the next call resumes from it.
      throw new RunnerError('NETWORK', `${url}: the download broke off after ${bytes} bytes (${(e as Error).message}); run the command again to resume`);
    }
  }
  const got = { bytes, sha256: sha.digest('hex'), git: git?.digest('hex') };
  const e = o.expect ?? {};
  const wrong = [
    e.bytes !== undefined && got.bytes !== e.bytes ? `${got.bytes} bytes, expected ${e.bytes}` : '',
    e.sha256 !== undefined && got.sha256 !== e.sha256.toLowerCase() ? `sha256 ${got.sha256}, expected ${e.sha256}` : '',
    e.gitSha1 !== undefined && got.git !== undefined && got.git !== e.gitSha1.toLowerCase() ? `git blob id ${got.git}, expected ${e.gitSha1}` : '',
  ].filter(Boolean);
  if (wrong.length) {
    rmSync(part, { force: true });
    throw new RunnerError('DATA', `${url}: downloaded ${wrong.join('; ')}; not saved`);
  }
  renameSync(part, target);
  return { bytes: got.bytes, sha256: got.sha256, resumedFrom: start };
}
