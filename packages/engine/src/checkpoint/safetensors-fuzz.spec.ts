// Property-based tests (fast-check, issue 19): the safetensors reader on random mutations of a real
// file (bytes anywhere, and any header field replaced by any JSON value) either returns tensors that
// lie inside the buffer with shape × dtype values, or throws a CheckpointError naming the file —
// never a RangeError from reading out of bounds or a TypeError.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CheckpointError } from './errors';
import { parseSafetensors, serializeSafetensors } from './safetensors';
import type { RawTensor } from './safetensors';

const tensors = new Map<string, RawTensor>([
  ['wte.weight', { shape: [3, 4], data: Float32Array.from({ length: 12 }, (_x, i) => i / 7) }],
  ['ln_f.bias', { shape: [4], data: Float32Array.from([1, -2, 3.5, 0]) }],
  ['scalar', { shape: [], data: Float32Array.from([42]) }],
]);
const FILE = '/ckpt/model.safetensors';
const real = serializeSafetensors(tensors, { format: 'pt' });
const headerLength = Number(new DataView(real.buffer).getBigUint64(0, true));
const header = JSON.parse(new TextDecoder().decode(real.subarray(8, 8 + headerLength))) as Record<string, unknown>;
const body = real.subarray(8 + headerLength);

function parsesOrRefuses(buf: Uint8Array): void {
  let parsed: ReturnType<typeof parseSafetensors>;
  try {
    parsed = parseSafetensors(buf, FILE);
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    return;
  }
  let total = 0;
  for (const [name, t] of parsed.tensors) {
    expect(t.data.length, name).toBe(t.shape.reduce((a, d) => a * d, 1));
    total += t.data.length * 2; // at least 2 bytes a value (F16/BF16)
  }
  expect(total).toBeLessThanOrEqual(buf.byteLength);
}

/** The file with `header` as its JSON header (length prefix recomputed) and the original data. */
function withHeader(h: unknown): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

function replaceAt(doc: unknown, picks: readonly number[], value: unknown): unknown {
  if (!picks.length || doc === null || typeof doc !== 'object') return value;
  const keys = Object.keys(doc);
  if (!keys.length) return value;
  const k = keys[picks[0]! % keys.length]!;
  const copy = (Array.isArray(doc) ? [...doc] : { ...doc }) as Record<string, unknown>;
  copy[k] = replaceAt((doc as Record<string, unknown>)[k], picks.slice(1), value);
  return copy;
}

describe('safetensors reader on mutated files (fast-check)', () => {
  it('the unmutated file reads back exactly', () => {
    expect(parseSafetensors(real, FILE).tensors).toEqual(tensors);
  });

  it('random byte flips, insertions, deletions and truncations', () => {
    const edit = fc.record({ at: fc.nat({ max: real.length - 1 }), kind: fc.constantFrom('flip', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), fc.option(fc.nat({ max: real.length }), { nil: undefined }), (edits, cut) => {
        const b = [...real];
        for (const e of edits) {
          if (e.kind === 'flip') b[e.at % b.length] = e.byte;
          else if (e.kind === 'insert') b.splice(e.at, 0, e.byte);
          else b.splice(e.at % b.length, 1);
        }
        parsesOrRefuses(Uint8Array.from(cut === undefined ? b : b.slice(0, cut)));
      }),
      { numRuns: 300, seed: 19 },
    );
  });

  it('any header field (dtype, shape, data_offsets, metadata) replaced by any JSON value, or a huge one', () => {
    const weird = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(2 ** 53, 2 ** 60, -1, 1e300, [2 ** 31, 2 ** 31], [0, 2 ** 53], [1e15, 1e15, 1e15], 'F16', 'BF16', 'I64', null),
    );
    fc.assert(fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), weird, (picks, v) => parsesOrRefuses(withHeader(replaceAt(header, picks, v)))), { numRuns: 300, seed: 19 });
  });
});
