import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { fetchSource, SOURCES } from './fetch';
import type { DatasetSource } from './fetch';
import { tmpWorkspace } from '../testing/tmp';

const body = JSON.stringify([{ case_id: 0, prompt: 'The mother tongue of X is' }]);
const sha = createHash('sha256').update(body).digest('hex');
let server: Server;
let base = '';
const ws = tmpWorkspace();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/data.json') res.end(body);
    else {
      res.statusCode = 404;
      res.end('no');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => {
  server.close();
  ws.cleanup();
});

const source = (file: Partial<DatasetSource['files'][number]>): DatasetSource => ({
  name: 'demo', description: 'demo', license: 'MIT', files: [{ url: `${base}/data.json`, file: 'data.json', ...file }],
});

describe('data fetch (download code against a local HTTP server)', () => {
  it('downloads, verifies size and sha256, writes atomically, and skips what is present', async () => {
    const dest = join(ws.cwd, 'ok');
    const [path] = await fetchSource(source({ sha256: sha, bytes: body.length }), { dest });
    expect(readFileSync(path!, 'utf8')).toBe(body);
    const log: string[] = [];
    await fetchSource(source({ sha256: sha }), { dest, log: (l) => log.push(l) });
    expect(log).toEqual([`${path}: already present`]);
  });

  it('a checksum mismatch keeps nothing; an HTTP error says which', async () => {
    const dest = join(ws.cwd, 'bad');
    await expect(fetchSource(source({ sha256: '0'.repeat(64) }), { dest })).rejects.toThrow(/downloaded sha256 [0-9a-f]{64}, expected 0{64}; not saved/);
    expect(existsSync(join(dest, 'demo')) ? readdirSync(join(dest, 'demo')) : []).toEqual([]);
    await expect(fetchSource(source({ url: `${base}/missing.json` }), { dest })).rejects.toThrow(/missing\.json: HTTP 404/);
  });

  it('every canonical source is https and names a file', () => {
    for (const s of SOURCES) for (const f of s.files) expect(f.url).toMatch(/^https:\/\/[^/]+\/.+/);
  });
});
