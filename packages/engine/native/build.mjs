#!/usr/bin/env node
// Install-time build of the optional native OpenBLAS kernels (packages/engine/native). Never fails the
// install: without a compiler, node headers or libopenblas-dev it prints one line and exits 0, and the
// engine falls back to the JS XNNPACK matmul wrapper at run time.
// Fast path: `apt-get install -y libopenblas-dev` before `npm ci` (or run `npm run build:native -w @editlab/engine`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const skip = (why) => {
  console.log(`editlab native kernels not built (${why}); using the JS matmul path. For the fast path: apt-get install -y libopenblas-dev && npm run build:native -w @editlab/engine`);
  process.exit(0);
};

if (process.env.EDITLAB_NATIVE === '0') skip('EDITLAB_NATIVE=0');
const headers = ['/usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h', '/usr/include/openblas/cblas.h', '/usr/include/x86_64-linux-gnu/cblas.h', '/usr/include/cblas.h'];
if (!headers.some((h) => existsSync(h))) skip('libopenblas-dev not installed');

const candidates = [
  process.env.npm_config_node_gyp,
  process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter((p) => p && existsSync(p));
if (candidates.length === 0) skip('node-gyp not found');

const args = [candidates[0], 'rebuild', '--silent'];
// Debian's nodejs ships its headers under /usr/include/node: use them instead of downloading.
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const r = spawnSync(process.execPath, args, { cwd: here, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (r.status !== 0) {
  const last = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.status}`;
  skip(`node-gyp failed: ${last.slice(0, 200)}`);
}
console.log('editlab native kernels built (OpenBLAS sgemm): packages/engine/native/build/Release/editlab_blas.node');
