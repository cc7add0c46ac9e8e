// The safetensors format (https://github.com/huggingface/safetensors, "Format" section):
//   [8 bytes: N, little-endian u64] [N bytes: JSON header] [byte buffer]
// The header maps tensor name → { dtype, shape, data_offsets: [begin, end) into the byte buffer },
// plus an optional "__metadata__" string→string map. Tensors are little-endian, row-major, and the
// byte buffer must be covered exactly by the tensors (no holes, no overlaps).
// We read F32, F16 and BF16 (converted to float32) and write F32. Tensors of the format's other
// integer, boolean and F64 dtypes are buffers, not weights, in the checkpoints we load (GPT-2's
// `attn.bias` causal mask (BOOL/U8), `position_ids` (I64), F64 masks): they are validated like the
// rest, then skipped and listed in `skipped` rather than refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { CheckpointError, CheckpointErrorCode as C } from './errors';

export interface RawTensor {
  readonly shape: number[];
  readonly data: Float32Array;
}

/** A tensor of a dtype the engine does not read, left out of `tensors`. */
export interface SkippedTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
}

export interface SafetensorsFile {
  readonly tensors: Map<string, RawTensor>;
  readonly metadata: Record<string, string>;
  /** Buffers of dtypes the engine does not use (BOOL, integers, F64), in header order. */
  readonly skipped: SkippedTensor[];
}

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };
/** The safetensors dtypes (safetensors `Dtype`) that are skipped as buffers, with their byte widths. */
const SKIPPED_DTYPE_BYTES: Record<string, number> = { BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, I32: 4, U32: 4, I64: 8, U64: 8, F64: 8 };

/** Byte width of a dtype, or undefined when it is neither read nor skippable (e.g. F8_E4M3). */
function dtypeWidth(dtype: string): number | undefined {
  return Object.hasOwn(DTYPE_BYTES, dtype) ? DTYPE_BYTES[dtype] : Object.hasOwn(SKIPPED_DTYPE_BYTES, dtype) ? SKIPPED_DTYPE_BYTES[dtype] : undefined;
}
/** Header larger than this is refused (the reference implementation's limit is 100 MB). */
const MAX_HEADER = 100_000_000;

/** IEEE 754 half → float32 (sign, 5-bit exponent, 10-bit mantissa; subnormals and inf/NaN kept). */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Whether this host stores floats little-endian (as safetensors does), so bytes copy as they are. */
const LITTLE_ENDIAN = new Uint8Array(new Float32Array([1]).buffer)[3] === 0x3f;

function decode(bytes: Uint8Array, dtype: string, n: number): Float32Array {
  // new Uint8Array(view) copies into a fresh, aligned buffer (Buffer#slice would only make a view).
  if (dtype === 'F32' && LITTLE_ENDIAN) return new Float32Array(new Uint8Array(bytes).buffer);
  const out = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  else if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  else {
    // BF16 is the upper half of a float32.
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u32[i] = view.getUint16(2 * i, true) << 16;
  }
  return out;
}

/** Parse a safetensors buffer; `file` names it in errors. */
export function parseSafetensors(buf: Uint8Array, file = '<buffer>'): SafetensorsFile {
  const bad = (code: string, msg: string): never => {
    throw new CheckpointError(code, `${file}: ${msg}`);
  };
  if (buf.byteLength < 8) bad(C.BAD_HEADER, `file is ${buf.byteLength} bytes, too short for the 8-byte header length`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n < 2 || n > MAX_HEADER || 8 + n > buf.byteLength) {
    bad(C.BAD_HEADER, `header length ${n} is invalid for a file of ${buf.byteLength} bytes`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + n)));
  } catch (e) {
    bad(C.BAD_HEADER, `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad(C.BAD_HEADER, 'header is not a JSON object');
  const data = buf.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const spans: Array<[number, number, string]> = [];
  const entries: Array<[string, string, number[], number, number]> = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof v !== 'object' || v === null) bad(C.BAD_HEADER, '__metadata__ is not an object');
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== 'string') bad(C.BAD_HEADER, `__metadata__.${k} is not a string`);
        metadata[k] = s as string;
      }
      continue;
    }
    const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t !== 'object' || t === null) bad(C.BAD_HEADER, `tensor '${name}': entry is not an object`);
    const { dtype, shape, data_offsets: off } = t;
    if (typeof dtype !== 'string') bad(C.BAD_HEADER, `tensor '${name}': missing dtype`);
    const width = dtypeWidth(dtype as string);
    if (width === undefined) bad(C.BAD_DTYPE, `tensor '${name}': dtype '${String(dtype)}' is not supported (F32, F16, BF16; ${Object.keys(SKIPPED_DTYPE_BYTES).join(', ')} buffers are skipped)`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      bad(C.BAD_HEADER, `tensor '${name}': shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    }
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      bad(C.BAD_HEADER, `tensor '${name}': data_offsets ${JSON.stringify(off)} is not [begin, end]`);
    }
    const [b, e] = off as [number, number];
    if (b > e || e > data.byteLength) {
      bad(C.BAD_OFFSETS, `tensor '${name}': data_offsets [${b}, ${e}] out of range (data is ${data.byteLength} bytes)`);
    }
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    if (count * width! !== e - b) {
      bad(C.BAD_OFFSETS, `tensor '${name}': ${e - b} bytes but shape [${(shape as number[]).join(', ')}] × ${dtype as string} needs ${count * width!}`);
    }
    spans.push([b, e, name]);
    entries.push([name, dtype as string, shape as number[], b, count]);
  }
  // The tensors must tile the byte buffer: sorted by begin, each starts where the previous ended.
  spans.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let pos = 0;
  for (const [b, e, name] of spans) {
    if (b < pos) bad(C.BAD_OFFSETS, `tensor '${name}': data_offsets [${b}, ${e}] overlap the previous tensor (ends at ${pos})`);
    if (b > pos) bad(C.BAD_OFFSETS, `tensor '${name}': data_offsets [${b}, ${e}] leave a hole after byte ${pos}`);
    pos = e;
  }
  if (pos !== data.byteLength) bad(C.BAD_OFFSETS, `tensors cover ${pos} bytes but the data section has ${data.byteLength}`);
  const tensors = new Map<string, RawTensor>();
  const skipped: SkippedTensor[] = [];
  for (const [name, dtype, shape, b, count] of entries) {
    if (!Object.hasOwn(DTYPE_BYTES, dtype)) skipped.push({ name, dtype, shape });
    else tensors.set(name, { shape, data: decode(data.subarray(b, b + count * DTYPE_BYTES[dtype]!), dtype, count) });
  }
  return { tensors, metadata, skipped };
}

export function readSafetensors(path: string): SafetensorsFile {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new CheckpointError(C.MISSING_FILE, `${path}: cannot read (${(e as Error).message})`);
  }
  return parseSafetensors(buf, path);
}

/** Serialise F32 tensors (in the given order) with optional string metadata; header padded to 8 bytes. */
export function serializeSafetensors(tensors: ReadonlyMap<string, RawTensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, d) => a * d, 1);
    if (count !== t.data.length) throw new CheckpointError(C.BAD_TENSORS, `tensor '${name}': ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + 4 * count] };
    off += 4 * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const hbytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hbytes.length + off);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(hbytes.length), true);
  out.set(hbytes, 8);
  let p = 8 + hbytes.length;
  for (const t of tensors.values()) {
    if (LITTLE_ENDIAN) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(p + 4 * i, t.data[i]!, true);
    p += 4 * t.data.length;
  }
  return out;
}

export function writeSafetensors(path: string, tensors: ReadonlyMap<string, RawTensor>, metadata?: Record<string, string>): void {
  writeFileSync(path, serializeSafetensors(tensors, metadata));
}
