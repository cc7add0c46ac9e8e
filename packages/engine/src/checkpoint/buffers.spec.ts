// Checkpoints that carry buffers of dtypes the engine does not use (GPT-2's BOOL `attn.bias` causal
// mask and `attn.masked_bias`, I64 `position_ids`, F64 masks) load with those buffers skipped and
// listed, not refused; a weight in such a dtype is still an error that names the dtype.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../model/config';
import { tinyConfig } from '../model/testing';
import { toHfConfig } from './hf-config';
import { toHfTensors } from './hf-names';
import { loadCheckpoint } from './index';
import { parseSafetensors } from './safetensors';
import type { RawTensor } from './safetensors';
import { disposeAll, randomWeights, removeTempDirs, tempDir } from './testing';

afterAll(removeTempDirs);

interface Buffer_ {
  readonly name: string;
  readonly dtype: 'BOOL' | 'U8' | 'I64' | 'F64' | 'I32';
  readonly shape: number[];
  readonly bytes: Uint8Array;
}

/** A safetensors file with F32 tensors and raw buffers of other dtypes, in name order (as torch writes). */
function safetensorsWith(f32: ReadonlyMap<string, RawTensor>, buffers: readonly Buffer_[]): Uint8Array {
  const all = [
    ...[...f32].map(([name, t]) => ({ name, dtype: 'F32', shape: t.shape, bytes: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) })),
    ...buffers,
  ].sort((a, b) => (a.name < b.name ? -1 : 1));
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let off = 0;
  for (const t of all) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.bytes.length] };
    off += t.bytes.length;
  }
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  let p = 8 + h.length;
  for (const t of all) {
    out.set(t.bytes, p);
    p += t.bytes.length;
  }
  return out;
}

const causalMask = (n: number): Uint8Array => Uint8Array.from({ length: n * n }, (_, k) => (k % n <= Math.floor(k / n) ? 1 : 0));
const i64 = (xs: number[]): Uint8Array => new Uint8Array(new BigInt64Array(xs.map(BigInt)).buffer);
const f64 = (xs: number[]): Uint8Array => new Uint8Array(new Float64Array(xs).buffer);

function writeCheckpoint(dir: string, config: ModelConfig, files: Record<string, Uint8Array>): void {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(toHfConfig(config, {})));
  for (const [f, bytes] of Object.entries(files)) writeFileSync(join(dir, f), bytes);
}

describe('checkpoint buffers of unused dtypes', () => {
  it('GPT-2 with BOOL attn.bias, F64 masked_bias and I64 position_ids loads its weights and lists the buffers', async () => {
    const config = tinyConfig('gpt2');
    const w = randomWeights(config, 3);
    const n = config.maxSeq;
    const buffers: Buffer_[] = [];
    for (let l = 0; l < config.nLayers; l++) {
      buffers.push({ name: `h.${l}.attn.bias`, dtype: 'BOOL', shape: [1, 1, n, n], bytes: causalMask(n) });
      buffers.push({ name: `h.${l}.attn.masked_bias`, dtype: 'F64', shape: [], bytes: f64([-1e4]) });
    }
    buffers.push({ name: 'position_ids', dtype: 'I64', shape: [1, n], bytes: i64(Array.from({ length: n }, (_, i) => i)) });
    const dir = tempDir('buffers-gpt2');
    const bytes = safetensorsWith(toHfTensors(config, w), buffers);
    writeCheckpoint(dir, config, { 'model.safetensors': bytes });
    expect(parseSafetensors(bytes).skipped.map((s) => s.name)).toEqual(buffers.map((b) => b.name).sort());

    const ck = await loadCheckpoint(dir);
    const label = (s: { name: string; dtype: string; shape: number[] }) => `${s.name}:${s.dtype}:[${s.shape.join(',')}]`;
    expect(ck.skipped.map(label)).toEqual([...buffers].sort((a, b) => (a.name < b.name ? -1 : 1)).map(label));
    expect(ck.skipped.map(label)).toContain(`h.0.attn.bias:BOOL:[1,1,${n},${n}]`);
    expect([...ck.weights.keys()].sort()).toEqual([...w.keys()].sort());
    for (const [name, t] of w) expect(Array.from(ck.weights.get(name)!.dataSync()), name).toEqual(Array.from(t.data));
    disposeAll(ck.weights);
  });

  it('sharded Llama with an I64 position_ids buffer in one shard loads; an F64 weight is refused naming its dtype', async () => {
    const config = tinyConfig('llama');
    const w = randomWeights(config, 4);
    const hf = toHfTensors(config, w);
    const names = [...hf.keys()];
    const half = Math.floor(names.length / 2);
    const part = (ns: string[]) => new Map(ns.map((k) => [k, hf.get(k)!]));
    const pos: Buffer_ = { name: 'model.position_ids', dtype: 'I64', shape: [1, 4], bytes: i64([0, 1, 2, 3]) };
    const shards = { 'model-00001-of-00002.safetensors': names.slice(0, half), 'model-00002-of-00002.safetensors': names.slice(half) };
    const weightMap: Record<string, string> = { [pos.name]: 'model-00002-of-00002.safetensors' };
    for (const [f, ns] of Object.entries(shards)) for (const k of ns) weightMap[k] = f;
    const dir = tempDir('buffers-llama');
    writeCheckpoint(dir, config, {
      'model-00001-of-00002.safetensors': safetensorsWith(part(shards['model-00001-of-00002.safetensors']), []),
      'model-00002-of-00002.safetensors': safetensorsWith(part(shards['model-00002-of-00002.safetensors']), [pos]),
      'model.safetensors.index.json': new TextEncoder().encode(JSON.stringify({ metadata: {}, weight_map: weightMap })),
    });
    const ck = await loadCheckpoint(dir);
    expect(ck.skipped).toEqual([{ name: 'model.position_ids', dtype: 'I64', shape: [1, 4] }]);
    expect(ck.weights.size).toBe(w.size);
    disposeAll(ck.weights);

    // The final norm's gain stored as F64 is a weight the engine cannot read: refused, naming the dtype.
    const norm = hf.get('model.norm.weight')!;
    const rest = new Map([...hf].filter(([k]) => k !== 'model.norm.weight'));
    const dir2 = tempDir('buffers-f64-weight');
    writeCheckpoint(dir2, config, { 'model.safetensors': safetensorsWith(rest, [{ name: 'model.norm.weight', dtype: 'F64', shape: norm.shape, bytes: f64(Array.from(norm.data)) }]) });
    await expect(loadCheckpoint(dir2)).rejects.toThrow(/missing tensors: model\.norm\.weight \(present as F64, which is not read as a weight/);
  });
});
