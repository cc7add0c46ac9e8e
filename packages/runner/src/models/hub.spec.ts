// `editlab model fetch` against a local HTTP server that speaks the Hugging Face hub's interface
// (models/hub.ts) and serves a small sharded checkpoint the test writes from models/tiny-gpt2: gated
// access, a download that breaks off and resumes with a Range request, verification against the hub's
// sha256 and git blob ids, and a spec naming `model: hf` before and after the fetch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSafetensors, serializeSafetensors } from '@editlab/engine';
import type { RawTensor } from '@editlab/engine';
import { main } from '../cli/main';
import type { Io } from '../cli/io';
import { tmpWorkspace } from '../testing/tmp';
import { hfModel } from '../adapters/models';
import { parseHubRef, snapshotDir } from './hub';

const SRC = fileURLToPath(new URL('../../../../models/tiny-gpt2/', import.meta.url));
const TOKEN = 'hf_secret';
const ws = tmpWorkspace();
const cache = join(ws.cwd, 'model-cache');
let server: Server;
let endpoint = '';

/** The repository: name → bytes. Weights in two shards with their index, plus files fetch must skip. */
const files = new Map<string, Buffer>();
const requests: { path: string; range: string | undefined }[] = [];
let breakNext: string | undefined; // a file whose next download stops half-way
let corrupt: string | undefined; // a file served with one byte changed

beforeAll(async () => {
  const all = parseSafetensors(readFileSync(join(SRC, 'model.safetensors'))).tensors;
  const names = [...all.keys()].sort();
  const shards: Map<string, RawTensor>[] = [new Map(), new Map()];
  names.forEach((n, i) => shards[i < names.length / 2 ? 0 : 1]!.set(n, all.get(n)!));
  const shardName = (i: number) => `model-0000${i + 1}-of-00002.safetensors`;
  shards.forEach((s, i) => files.set(shardName(i), Buffer.from(serializeSafetensors(s))));
  const weightMap = Object.fromEntries(names.map((n, i) => [n, shardName(i < names.length / 2 ? 0 : 1)]));
  files.set('model.safetensors.index.json', Buffer.from(JSON.stringify({ metadata: {}, weight_map: weightMap })));
  for (const f of ['config.json', 'tokenizer.json']) files.set(f, readFileSync(join(SRC, f)));
  files.set('README.md', Buffer.from('# tiny\n'));
  files.set('pytorch_model.bin', Buffer.from('not fetched'));
  server = createServer(hub);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.close();
  ws.cleanup();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitBlob = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const COMMIT = 'c0ffee'.padEnd(40, '0');

function hub(req: IncomingMessage, res: ServerResponse): void {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  requests.push({ path, range: req.headers.range });
  if (req.headers.authorization !== `Bearer ${TOKEN}`) {
    res.writeHead(401).end('gated');
    return;
  }
  if (path === '/api/models/acme/tiny/revision/main') {
    const siblings = [...files].map(([rfilename, b]) => ({
      rfilename, size: b.length, blobId: gitBlob(b), ...(rfilename.endsWith('.safetensors') ? { lfs: { sha256: sha256(b), size: b.length } } : {}),
    }));
    res.setHeader('content-type', 'application/json').end(JSON.stringify({ id: 'acme/tiny', sha: COMMIT, siblings }));
    return;
  }
  const m = /^\/acme\/tiny\/resolve\/([^/]+)\/(.+)$/.exec(path);
  const body = m && m[1] === COMMIT ? files.get(m[2]!) : undefined;
  if (!body) {
    res.writeHead(404).end('no such file');
    return;
  }
  const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
  const bytes = Buffer.from(body.subarray(from));
  if (corrupt === m![2]) bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
  res.writeHead(from ? 206 : 200, { 'content-length': String(bytes.length), ...(from ? { 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` } : {}) });
  if (breakNext === m![2]) {
    breakNext = undefined;
    res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy());
    return;
  }
  res.end(bytes);
}

async function cli(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env: { EDITLAB_MODEL_CACHE: cache, HF_ENDPOINT: endpoint, ...env }, cwd: ws.cwd };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Runs `f` with EDITLAB_MODEL_CACHE set to the test's cache (the built-in `hf` entry reads the process environment). */
async function withCacheEnv(f: () => Promise<void>): Promise<void> {
  const prev = process.env['EDITLAB_MODEL_CACHE'];
  process.env['EDITLAB_MODEL_CACHE'] = cache;
  try {
    await f();
  } finally {
    if (prev === undefined) delete process.env['EDITLAB_MODEL_CACHE'];
    else process.env['EDITLAB_MODEL_CACHE'] = prev;
  }
}
const NOT_FETCHED = `acme/tiny is not fetched into the model cache (${snapshotDir(cache, 'acme/tiny')}): run \`editlab model fetch acme/tiny\` (EDITLAB_MODEL_CACHE sets the cache, HF_ENDPOINT a mirror, HF_TOKEN a token)`;

describe('editlab model fetch (a local hub server)', () => {
  it('parses repo ids, revisions and repository URLs; the endpoint comes from HF_ENDPOINT or the URL', () => {
    expect(parseHubRef('acme/tiny', {})).toEqual({ repo: 'acme/tiny', revision: 'main', endpoint: 'https://huggingface.co' });
    expect(parseHubRef('acme/tiny@v1.0', { HF_ENDPOINT: 'https://hf-mirror.com/' })).toEqual({ repo: 'acme/tiny', revision: 'v1.0', endpoint: 'https://hf-mirror.com' });
    expect(parseHubRef('https://example.org/acme/tiny/tree/dev', {})).toEqual({ repo: 'acme/tiny', revision: 'dev', endpoint: 'https://example.org' });
    expect(() => parseHubRef('tiny', {})).toThrow("'tiny' is not a Hugging Face repo id (owner/name, e.g. meta-llama/Llama-2-7b-hf)");
    expect(() => parseHubRef('https://example.org/acme/tiny/blob/main/config.json', {})).toThrow(/not a repository URL/);
  });

  it('a spec naming `model: hf` or `hf: acme/tiny` before the fetch: an error at the model item that names the command', async () => {
    const rest = 'datasets: [{ dataset: world-counterfact, params: { n: 2 } }]\nmethods: [{ method: ft }]\nmetrics: [efficacy]\n';
    ws.write({
      'exp/hf.yaml': `name: hf\noutput: hf.csv\nmodels:\n  - model: hf\n    label: tiny\n    params: { repo: acme/tiny }\n${rest}`,
      'exp/hf-short.yaml': `name: hf\noutput: hf.csv\nmodels: [hf: acme/tiny]\n${rest}`,
    });
    await withCacheEnv(async () => {
      const r = await cli(['validate', 'exp/hf.yaml']);
      expect(r.code).toBe(2);
      expect(r.err.split('\n')[0]).toBe(`exp/hf.yaml:4:5: /models/0: model 'tiny': ${NOT_FETCHED}`);
      // The shorthand: the same error from validate and from run, at the shorthand's item.
      for (const cmd of ['validate', 'run']) {
        const s = await cli([cmd, 'exp/hf-short.yaml', '--cache-dir', join(ws.cwd, 'task-cache')]);
        expect(s.code, s.err).toBe(2);
        expect(s.err.split('\n')).toContain(`exp/hf-short.yaml:3:10: /models/0: model 'tiny': ${NOT_FETCHED}`);
      }
    });
  });

  it('gated without HF_TOKEN: exit 3 saying to set it', async () => {
    const r = await cli(['model', 'fetch', 'acme/tiny']);
    expect(r.code).toBe(3);
    expect(r.err.split('\n').pop()).toBe(`editlab model: ${endpoint}/api/models/acme/tiny/revision/main?blobs=true: HTTP 401 Unauthorized: acme/tiny is gated or private: set HF_TOKEN to a token with access`);
  });

  it('a download that breaks off resumes with a Range request; only config, tokenizer and the indexed shards are fetched, verified', async () => {
    breakNext = 'model-00002-of-00002.safetensors';
    const first = await cli(['model', 'fetch', 'acme/tiny'], { HF_TOKEN: TOKEN });
    expect(first.code).toBe(3);
    expect(first.err.split('\n').pop()).toMatch(/^editlab model: .*model-00002-of-00002\.safetensors: the download broke off after \d+ bytes \(.*\); run the command again to resume$/);
    const dir = snapshotDir(cache, 'acme/tiny');
    const partBytes = readFileSync(join(dir, 'model-00002-of-00002.safetensors.part')).length;
    expect(partBytes).toBeGreaterThan(0);
    requests.length = 0;
    const second = await cli(['model', 'fetch', `${endpoint}/acme/tiny`], { HF_TOKEN: TOKEN });
    expect(second.code).toBe(0);
    expect(second.err).toContain('model-00002-of-00002.safetensors: resumed at');
    expect(second.err).toContain('config.json: already fetched');
    expect(requests.filter((q) => q.path.includes('/resolve/')).map((q) => [q.path.split('/').pop(), q.range])).toEqual([
      ['model-00002-of-00002.safetensors', `bytes=${partBytes}-`],
    ]);
    expect(second.out.split('\n')[1]).toBe('use it in a spec:  models: [hf: acme/tiny]');
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'editlab-fetch.json', 'editlab-fetch.json.partial', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json', 'tokenizer.json']);
    for (const f of readdirSync(dir).filter((n) => files.has(n))) expect(readFileSync(join(dir, f)).equals(files.get(f)!)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, 'editlab-fetch.json'), 'utf8'));
    expect(manifest).toMatchObject({ repo: 'acme/tiny', revision: 'main', commit: COMMIT, endpoint });
    expect(manifest.files.find((f: { file: string }) => f.file === 'model-00002-of-00002.safetensors').sha256).toBe(sha256(files.get('model-00002-of-00002.safetensors')!));
    // A third fetch downloads nothing.
    requests.length = 0;
    const third = await cli(['model', 'fetch', 'acme/tiny', '--json'], { HF_TOKEN: TOKEN });
    expect(JSON.parse(third.out)).toMatchObject({ downloadedBytes: 0, commit: COMMIT });
    expect(requests.map((q) => q.path)).toEqual(['/api/models/acme/tiny/revision/main']);
  });

  it('after the fetch, `hf: acme/tiny` plans exactly the cells of the long form (same plan key, stage and cell keys)', async () => {
    await withCacheEnv(async () => {
      const plans = [];
      for (const f of ['exp/hf.yaml', 'exp/hf-short.yaml']) {
        const r = await cli(['plan', f, '--json', '--cache-dir', join(ws.cwd, 'task-cache')]);
        expect(r.code, r.err).toBe(0);
        plans.push({ ...JSON.parse(r.out), spec: undefined });
      }
      expect(plans[0].cells.length).toBeGreaterThan(0);
      expect(plans[1]).toEqual(plans[0]);
    });
  });

  it('a file whose bytes differ from the hub\'s digest is not saved', async () => {
    const other = join(ws.cwd, 'other-cache');
    corrupt = 'config.json';
    try {
      const r = await cli(['model', 'fetch', 'acme/tiny', '--cache', other], { HF_TOKEN: TOKEN });
      expect(r.code).toBe(3);
      expect(r.err.split('\n').pop()).toMatch(/config\.json: downloaded git blob id [0-9a-f]{40}, expected [0-9a-f]{40}; not saved$/);
      expect(existsSync(join(snapshotDir(other, 'acme/tiny'), 'config.json'))).toBe(false);
    } finally {
      corrupt = undefined;
    }
  });

  it('the fetched model loads through the `hf` entry, keyed by its commit and file digests', async () => {
    const entry = hfModel(() => cache);
    const ctx = { seed: 0, specDir: ws.cwd };
    const p = { repo: 'acme/tiny', revision: 'main' };
    expect(entry.shape!(p, ctx)).toMatchObject({ layers: JSON.parse(files.get('config.json')!.toString()).n_layer });
    const fp = (await entry.fingerprint(p, ctx)) as { commit: string; files: { file: string }[] };
    expect(fp.commit).toBe(COMMIT);
    expect(fp.files.map((f) => f.file)).toContain('model-00001-of-00002.safetensors');
    const m = await entry.load(p, ctx);
    try {
      const scores = await m.scorer.score([{ prompt: 'The capital of', continuation: ' the' }]);
      expect(Number.isFinite(scores[0]![0]!.logprob)).toBe(true);
    } finally {
      m.dispose();
    }
  });
});
