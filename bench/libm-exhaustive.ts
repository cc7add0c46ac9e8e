// The addon's own tanh and exp (packages/engine/native/src/mathf.h) against the C library's tanhf and expf over all
// 2^32 float bit patterns, bit for bit (the test suite checks a sample: backend/native-mathf.spec.ts). Prints, per
// function, the mismatches, the first mismatching pattern, the C library and the wall time. Two OpenMP threads;
// about 16 s (tanh) + 6 s (exp) on 2 cores. Exit 1 when any input differs.
// node --import tsx bench/libm-exhaustive.ts
import { loadNativeAddon } from '@editlab/engine';

const { addon, reason } = loadNativeAddon();
if (!addon?.libmCheck) {
  console.log(`libm-exhaustive: no native addon with libmCheck (${reason ?? 'built before it existed'}); nothing to check`);
  process.exit(0);
}
const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
const glibc = report?.header?.glibcVersionRuntime ?? 'absent';
let failed = false;
for (const [fn, theirs] of [['tanh', 'tanhf'], ['exp', 'expf']] as const) {
  const t0 = performance.now();
  const [bad, first] = addon.libmCheck(fn, 0, 1, 2 ** 32);
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  failed ||= bad > 0;
  console.log(`${fn}: ${bad} of 4294967296 inputs differ from the C library's ${theirs}` +
    `${bad > 0 ? ` (first: 0x${first.toString(16).padStart(8, '0')})` : ''}; glibc ${glibc}; ${s} s`);
}
process.exitCode = failed ? 1 : 0;
