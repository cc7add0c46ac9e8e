// Periodic training state for resumable pretraining: model weights, Adam moments and the data cursor,
// in one file (an 8-byte header length, a JSON header naming each float32 tensor's shape and offset,
// then the raw little-endian data — the safetensors layout, so the file can be inspected with any
// safetensors reader). Written atomically: a run killed mid-write keeps the previous state.
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic';

export interface TrainState {
  /** Optimizer steps done. */
  readonly step: number;
  readonly epoch: number;
  readonly row: number;
  /** Per-step losses so far (to report the curve and the final loss after a resume). */
  readonly losses: readonly number[];
  /** Wall time spent so far, in seconds (summed over resumed runs). */
  readonly wallSeconds: number;
  /** A hash of everything that determines the run (config, corpus, seeds): a mismatch refuses the resume. */
  readonly runKey: string;
  /** float32 tensors by name: model weights ("w:<name>") and optimizer slots ("opt:<name>"). */
  readonly tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>;
}

interface Header {
  __metadata__: { step: string; epoch: string; row: string; losses: string; wallSeconds: string; runKey: string };
  [name: string]: unknown;
}

export function saveTrainState(path: string, s: TrainState): void {
  const header: Header = {
    __metadata__: {
      step: String(s.step), epoch: String(s.epoch), row: String(s.row),
      losses: JSON.stringify(s.losses), wallSeconds: String(s.wallSeconds), runKey: s.runKey,
    },
  };
  let offset = 0;
  for (const [name, t] of s.tensors) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const buf = Buffer.alloc(8 + json.length + offset);
  buf.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(buf, 8);
  let at = 8 + json.length;
  for (const t of s.tensors.values()) {
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(buf, at);
    at += t.data.byteLength;
  }
  writeFileAtomic(path, buf);
}

export function loadTrainState(path: string): TrainState | undefined {
  if (!existsSync(path)) return undefined;
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Header;
  const m = header.__metadata__;
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = v as { shape: number[]; data_offsets: [number, number] };
    const bytes = buf.subarray(8 + n + e.data_offsets[0], 8 + n + e.data_offsets[1]);
    tensors.set(name, { shape: e.shape, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) });
  }
  return {
    step: Number(m.step), epoch: Number(m.epoch), row: Number(m.row),
    losses: JSON.parse(m.losses) as number[], wallSeconds: Number(m.wallSeconds), runKey: m.runKey, tensors,
  };
}
