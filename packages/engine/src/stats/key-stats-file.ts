// Compact binary form of KeyStatistics, so a runner stage can cache them as one file:
//   bytes 0–7   magic "EDLKSTAT"
//   bytes 8–11  uint32 LE: header length H (bytes, a multiple of 8)
//   bytes 12–15 uint32 LE: 0
//   16 … 16+H   UTF-8 JSON header {format, version, layers, dMlp, nSamples, nTokens, maxTokensPerSample, storage,
//               dtype}, padded with spaces
//   then, per layer in header order, the upper triangle of C row by row (i ≤ j): dMlp·(dMlp+1)/2 float64 LE.
// C is symmetric, so half the bytes of the full matrix; the file holds no timing, so equal statistics give equal bytes.
import type { KeyStatistics } from './key-stats';
import { KeyStatsError } from './errors';

const MAGIC = 'EDLKSTAT';
const PREFIX = 16;
const VERSION = 1;

interface Header {
  readonly format: 'editlab-key-stats';
  readonly version: number;
  readonly layers: number[];
  readonly dMlp: number;
  readonly nSamples: number;
  readonly nTokens: number;
  readonly maxTokensPerSample: number;
  readonly storage: 'upper-triangle-row-major';
  readonly dtype: 'float64-le';
}

const triangle = (m: number): number => (m * (m + 1)) / 2;

function headerBytes(stats: KeyStatistics): Uint8Array {
  const header: Header = {
    format: 'editlab-key-stats',
    version: VERSION,
    layers: [...stats.layers],
    dMlp: stats.dMlp,
    nSamples: stats.nSamples,
    nTokens: stats.nTokens,
    maxTokensPerSample: stats.maxTokensPerSample,
    storage: 'upper-triangle-row-major',
    dtype: 'float64-le',
  };
  const json = JSON.stringify(header);
  return new TextEncoder().encode(json.padEnd(Math.ceil(json.length / 8) * 8, ' '));
}

/** Size in bytes of serializeKeyStats(stats). */
export function keyStatsFileBytes(stats: KeyStatistics): number {
  return PREFIX + headerBytes(stats).length + stats.layers.length * triangle(stats.dMlp) * 8;
}

export function serializeKeyStats(stats: KeyStatistics): Uint8Array {
  const head = headerBytes(stats);
  const m = stats.dMlp;
  const out = new Uint8Array(keyStatsFileBytes(stats));
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, head.length, true);
  out.set(head, PREFIX);
  let off = PREFIX + head.length;
  for (const l of stats.layers) {
    const c = stats.mom2.get(l);
    if (!c || c.length !== m * m) throw new KeyStatsError('KEYSTATS_BAD_OPTIONS', `serializeKeyStats: layer ${l} has no ${m} × ${m} matrix`);
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++, off += 8) view.setFloat64(off, c[i * m + j]!, true);
    }
  }
  return out;
}

function bad(what: string, why: string): never {
  throw new KeyStatsError('KEYSTATS_BAD_FILE', `${what}: not a key-statistics file: ${why}`);
}

/** Parse serializeKeyStats' bytes; `what` names the source (a file path) in errors. */
export function deserializeKeyStats(bytes: Uint8Array, what = 'key statistics'): KeyStatistics {
  if (bytes.length < PREFIX || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) bad(what, `missing the ${MAGIC} magic`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(8, true);
  if (h % 8 !== 0 || PREFIX + h > bytes.length) bad(what, `header length ${h} is invalid for a ${bytes.length}-byte file`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + h))) as Header;
  } catch (e) {
    bad(what, `header is not JSON (${(e as Error).message})`);
  }
  if (header.format !== 'editlab-key-stats' || header.version !== VERSION) bad(what, `format ${header.format} version ${header.version}, expected editlab-key-stats ${VERSION}`);
  const { layers, dMlp: m, nSamples, nTokens, maxTokensPerSample } = header;
  const ints = [m, nSamples, nTokens, maxTokensPerSample, ...(Array.isArray(layers) ? layers : [])];
  if (!Array.isArray(layers) || layers.length === 0 || !ints.every((x) => Number.isInteger(x) && x >= 0) || m < 1) {
    bad(what, 'header fields layers / dMlp / nSamples / nTokens are missing or not non-negative integers');
  }
  const expected = PREFIX + h + layers.length * triangle(m) * 8;
  if (bytes.length !== expected) bad(what, `${bytes.length} bytes, expected ${expected} for ${layers.length} layer(s) of ${m} × ${m}`);
  const mom2 = new Map<number, Float64Array>();
  let off = PREFIX + h;
  for (const l of layers) {
    const c = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++, off += 8) {
        const v = view.getFloat64(off, true);
        if (!Number.isFinite(v)) bad(what, `layer ${l} entry [${i}, ${j}] is ${v}`);
        c[i * m + j] = v;
        c[j * m + i] = v;
      }
    }
    mom2.set(l, c);
  }
  return { layers, dMlp: m, mom2, nSamples, nTokens, maxTokensPerSample };
}
