// Portability (README.md, "Reproducibility"): a committed table recomputed on the JS path
// (EDITLAB_NATIVE=0, in a child process) agrees with the committed CSV within the stated tolerance, with
// the same rows, counts, statuses and NaNs; and the comparison itself catches each kind of disagreement.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from './diff';
import { comparePortable, PORTABLE_TOLERANCE, recomputeOnJsPath } from './portable';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const HEAD = 'model,dataset,method,hparams,protocol,record,efficacy,fluency,status,error';
const table = (name: string, ...rows: string[]) => parseCsv(name, [HEAD, ...rows].join('\n') + '\n');
const A = table('a.csv', 'm,d,FT,,single,r1,100.00,313.78,ok,', 'm,d,FT,,single,r2,50.00,nan,ok,', 'm,d,ForGet,,single,r1,0.00,300.00,ok,');

let scratch: string | undefined;
afterEach(() => { if (scratch) rmSync(scratch, { recursive: true, force: true }); scratch = undefined; });

describe('portable comparison', () => {
  it('agrees within the tolerance and reports the largest deviation per column', () => {
    const b = table('b.csv', 'm,d,ForGet,,single,r1,0.00,300.10,ok,', 'm,d,FT,,single,r1,100.00,313.70,ok,', 'm,d,FT,,single,r2,50.00,nan,ok,');
    const r = comparePortable(A, b, 0.2);
    expect(r.problems).toEqual([]);
    expect(r.maxDeviation['efficacy']).toBe(0);
    expect(r.maxDeviation['fluency']).toBeCloseTo(0.1, 6);
  });

  it('flags a value beyond the tolerance, a NaN on one side only, a changed status and missing rows', () => {
    const b = table('b.csv', 'm,d,FT,,single,r1,99.00,313.78,ok,', 'm,d,FT,,single,r2,50.00,301.00,ok,', 'm,d,ForGet,,single,r1,,,diverged,loss NaN', 'm,d,FT,,single,r9,1.00,1.00,ok,');
    const r = comparePortable(A, b, 0.5);
    expect(r.problems).toEqual([
      'm · d · FT ·  · single · r1: efficacy 100.00 vs 99.00 (|Δ| 1.0000 > 0.5)',
      'm · d · FT ·  · single · r2: fluency nan vs 301.00',
      'm · d · ForGet ·  · single · r1: status ok vs diverged',
      'm · d · ForGet ·  · single · r1: efficacy 0.00 vs (empty)',
      'm · d · ForGet ·  · single · r1: fluency 300.00 vs (empty)',
      'm · d · FT ·  · single · r9: only in b.csv',
    ]);
  });

  it('the committed results/portable.csv, recomputed on the JS path, agrees within the stated tolerance', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'editlab-portable-'));
    const { report } = await recomputeOnJsPath('experiments/portable.yaml', { cwd: ROOT, scratch, tolerance: PORTABLE_TOLERANCE });
    expect(report.problems).toEqual([]);
    expect(Object.keys(report.maxDeviation)).toEqual(['efficacy', 'generalization', 'locality', 'fluency', 'score']);
  }, 900_000);
});
