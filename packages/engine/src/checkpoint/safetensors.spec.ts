import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError } from './errors';
import { parseSafetensors, readSafetensors, serializeSafetensors } from './safetensors';
import { removeTempDirs, tempDir } from './testing';

afterAll(removeTempDirs);

/** A safetensors buffer from a raw header object and data bytes. */
function build(header: unknown, data: Uint8Array, headerText?: string): Uint8Array {
  const h = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const f32 = (xs: number[]): Uint8Array => new Uint8Array(new Float32Array(xs).buffer);

function refused(buf: Uint8Array, code: string, ...parts: string[]): void {
  let err: unknown;
  try {
    parseSafetensors(buf, 'ckpt/model.safetensors');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as CheckpointError).code).toBe(code);
  for (const p of ['ckpt/model.safetensors', ...parts]) expect((err as Error).message).toContain(p);
}

describe('safetensors', () => {
  it('writes and reads F32 tensors bit-exactly with metadata, header padded to 8 bytes', () => {
    const a = { shape: [2, 3], data: new Float32Array([1.5, -2, 3e-38, Math.PI, -0, 1e30]) };
    const b = { shape: [1], data: new Float32Array([NaN]) };
    const buf = serializeSafetensors(new Map([['a', a], ['b.x', b]]), { format: 'pt' });
    expect(Number(new DataView(buf.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const path = join(tempDir('st'), 'm.safetensors');
    writeFileSync(path, buf);
    const r = readSafetensors(path);
    expect(r.metadata).toEqual({ format: 'pt' });
    expect(r.tensors.get('a')!.shape).toEqual([2, 3]);
    expect(new Uint8Array(r.tensors.get('a')!.data.buffer)).toEqual(new Uint8Array(a.data.buffer));
    expect(Number.isNaN(r.tensors.get('b.x')!.data[0])).toBe(true);
  });

  it('reads F16 and BF16 as float32', () => {
    // F16: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff, smallest subnormal 2^-24 = 0x0001.
    const h = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001]).buffer);
    // BF16: upper half of float32 1.0 (0x3f80) and -0.5 (0xbf00).
    const bf = new Uint8Array(new Uint16Array([0x3f80, 0xbf00]).buffer);
    const data = new Uint8Array([...h, ...bf]);
    const r = parseSafetensors(build({ h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] }, bf: { dtype: 'BF16', shape: [2], data_offsets: [8, 12] } }, data));
    expect(Array.from(r.tensors.get('h')!.data)).toEqual([1, -2, 65504, 2 ** -24]);
    expect(Array.from(r.tensors.get('bf')!.data)).toEqual([1, -0.5]);
  });

  it('refuses each kind of corrupt file with a CheckpointError naming file and tensor', () => {
    const ok = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    refused(new Uint8Array(5), 'CKPT_BAD_HEADER', 'too short');
    const long = build(ok, f32([1, 2]));
    new DataView(long.buffer).setBigUint64(0, 10_000n, true);
    refused(long, 'CKPT_BAD_HEADER', 'header length 10000');
    refused(build(null, f32([1, 2]), '{"w": {"dtype": "F32",'), 'CKPT_BAD_HEADER', 'not valid JSON');
    refused(build({ w: { dtype: 'I4', shape: [2], data_offsets: [0, 8] } }, f32([1, 2])), 'CKPT_BAD_DTYPE', "'w'", 'I4');
    refused(build({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 12] } }, f32([1, 2])), 'CKPT_BAD_OFFSETS', "'w'", 'out of range');
    refused(build({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32([1, 2])), 'CKPT_BAD_OFFSETS', "'w'", 'needs 12');
    refused(
      build({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, v: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32([1, 2, 3])),
      'CKPT_BAD_OFFSETS', "'v'", 'overlap',
    );
    refused(build(ok, f32([1, 2, 3])), 'CKPT_BAD_OFFSETS', 'cover 8 bytes', 'has 12');
    refused(build({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 8] } }, f32([1, 2])), 'CKPT_BAD_HEADER', "'w'", 'shape');
    refused(build({ w: { dtype: 'F32', shape: [2] } }, f32([1, 2])), 'CKPT_BAD_HEADER', "'w'", 'data_offsets');
  });
});
