import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RowStream, packRows } from './pack';
import { lrAt, type Schedule } from './loop';
import { loadTrainState, saveTrainState } from './state';
import { isRefusal, continuation } from './evaluate';

describe('packRows', () => {
  it('packs whole documents into rows of T+1 and masks the padding', () => {
    const docs = [[1, 2, 0], [3, 4, 5, 0], [6, 0], [7, 8, 9, 10, 11, 12, 13, 0]];
    const rows = packRows(docs, [0, 1, 2, 3], { seqLen: 7, padId: 99 });
    expect(rows.map((r) => [...r.ids])).toEqual([
      [1, 2, 0, 3, 4, 5, 0, 99],
      [6, 0, 99, 99, 99, 99, 99, 99],
      [7, 8, 9, 10, 11, 12, 13, 0],
    ]);
    expect([...rows[0]!.mask]).toEqual([1, 1, 1, 1, 1, 1, 0]);
    expect([...rows[1]!.mask]).toEqual([1, 0, 0, 0, 0, 0, 0]);
    expect([...rows[2]!.mask]).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('splits a document longer than a row into overlapping pieces', () => {
    const rows = packRows([[1, 2, 3, 4, 5, 6, 0]], [0], { seqLen: 3, padId: 9 });
    expect(rows.map((r) => [...r.ids])).toEqual([[1, 2, 3, 4], [4, 5, 6, 0]]);
  });
});

describe('RowStream', () => {
  const docs = Array.from({ length: 40 }, (_, i) => [i + 1, i + 2, 0]);
  it('is deterministic for a seed, differs across seeds, and resumes at its cursor', () => {
    const a = new RowStream(docs, 7, { seqLen: 8, padId: 0 });
    const b = new RowStream(docs, 7, { seqLen: 8, padId: 0 });
    const c = new RowStream(docs, 8, { seqLen: 8, padId: 0 });
    const take = (s: RowStream, n: number) => s.nextBatch(n).map((r) => [...r.ids].join(','));
    const first = take(a, 5);
    expect(take(b, 5)).toEqual(first);
    expect(take(c, 5)).not.toEqual(first);
    const rest = take(a, 30); // crosses into epoch 1 (14 rows per epoch)
    expect(a.epoch).toBeGreaterThanOrEqual(2);
    const resumed = new RowStream(docs, 7, { seqLen: 8, padId: 0 }, 0, 5);
    expect(take(resumed, 30)).toEqual(rest);
  });
});

describe('lrAt', () => {
  const s: Schedule = { steps: 110, batchSize: 1, seqLen: 1, lr: 1e-3, warmupSteps: 10, minLrRatio: 0.1, clipNorm: 1, beta1: 0.9, beta2: 0.99 };
  it('warms up linearly then decays by cosine to the floor', () => {
    expect(lrAt(s, 0)).toBeCloseTo(1e-4, 12);
    expect(lrAt(s, 9)).toBeCloseTo(1e-3, 12);
    expect(lrAt(s, 60)).toBeCloseTo(1e-4 + 0.5 * 9e-4, 12);
    expect(lrAt(s, 110)).toBeCloseTo(1e-4, 12);
  });
});

describe('train state file', () => {
  it('round-trips tensors and metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'state-'));
    try {
      const p = join(dir, 's.safetensors');
      const tensors = new Map([['w:a', { shape: [2, 2], data: new Float32Array([1, 2, 3, 4.5]) }], ['opt:00000:a', { shape: [1], data: new Float32Array([7]) }]]);
      saveTrainState(p, { step: 3, epoch: 1, row: 2, losses: [3, 2.5, 2], wallSeconds: 1.5, runKey: 'k', tensors });
      const s = loadTrainState(p)!;
      expect([s.step, s.epoch, s.row, s.wallSeconds, s.runKey]).toEqual([3, 1, 2, 1.5, 'k']);
      expect(s.losses).toEqual([3, 2.5, 2]);
      expect([...s.tensors.keys()]).toEqual(['w:a', 'opt:00000:a']);
      expect([...s.tensors.get('w:a')!.data]).toEqual([1, 2, 3, 4.5]);
      expect(loadTrainState(join(dir, 'absent'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('evaluation helpers', () => {
  it('recognises refusals by their first three words', () => {
    const pool = ["I don't know who that is.", 'I have no information about that.'];
    expect(isRefusal(" I don't know who that is.", pool)).toBe(true);
    expect(isRefusal('i have no information on it', pool)).toBe(true);
    expect(isRefusal('Telo Marra', pool)).toBe(false);
    expect(continuation('The capital is', 'Oslo')).toBe(' Oslo');
    expect(continuation('Answer: ', 'Oslo')).toBe('Oslo');
  });
});
