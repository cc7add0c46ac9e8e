// Recompute committed tables on the JS path (EDITLAB_NATIVE=0: no native addon, the JS XNNPACK matmul
// path, the reference compositions instead of the fused kernels) with a fresh cache, and compare each
// with its committed CSV within the portability tolerance (README.md, "Reproducibility"; the tolerance
// and how it was measured: results/README.md). Exit 1 when any table disagrees.
//   npm run check:portable -- experiments/quickstart.yaml [more specs…] [--tolerance 0.5] [--keep DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PORTABLE_TOLERANCE, recomputeOnJsPath } from '@editlab/runner';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { tolerance: { type: 'string' }, keep: { type: 'string' } } });
const tolerance = values.tolerance === undefined ? PORTABLE_TOLERANCE : Number(values.tolerance);
if (!positionals.length || !Number.isFinite(tolerance) || tolerance < 0) {
  console.error('usage: npm run check:portable -- SPEC.yaml [SPEC.yaml …] [--tolerance T (CSV units, default ' + PORTABLE_TOLERANCE + ')] [--keep DIR]');
  process.exit(2);
}
const cwd = process.env['INIT_CWD'] ?? process.cwd();
let failed = 0;
for (const spec of positionals) {
  const scratch = values.keep ? resolve(cwd, values.keep) : mkdtempSync(join(tmpdir(), 'editlab-portable-'));
  try {
    console.log(`${spec}: recomputing on the JS path (EDITLAB_NATIVE=0) in ${scratch} …`);
    const { committed, recomputed, report } = await recomputeOnJsPath(spec, { cwd, scratch, tolerance });
    const dev = Object.entries(report.maxDeviation).map(([c, d]) => `${c} ${d.toFixed(4)}`).join(', ');
    console.log(`  ${committed} vs ${recomputed}`);
    console.log(`  max |Δ| per column: ${dev || '(no numeric columns)'}; tolerance ${tolerance}`);
    if (report.problems.length) {
      failed++;
      for (const p of report.problems) console.log(`  ✗ ${p}`);
    } else console.log('  ✓ agrees within the tolerance, NaN exactly where the committed table has it');
  } catch (e) {
    failed++;
    console.log(`  ✗ ${(e as Error).message}`);
  } finally {
    if (!values.keep) rmSync(scratch, { recursive: true, force: true });
  }
}
process.exitCode = failed ? 1 : 0;
