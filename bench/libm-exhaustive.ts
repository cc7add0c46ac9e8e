// The addon's own tanh (packages/engine/native/src/mathf.h) against the C library's tanhf over all 2^32 float bit
// patterns, bit for bit (the test suite checks a sample: backend/native-mathf.spec.ts). Prints the mismatches,
// the first mismatching pattern, the C library and the wall time. Two OpenMP threads; about 17 s on 2 cores.
// node --import tsx bench/libm-exhaustive.ts
import { loadNativeAddon } from '@editlab/engine';

const { addon, reason } = loadNativeAddon();
if (!addon?.libmCheck) {
  console.log(`libm-exhaustive: no native addon with libmCheck (${reason ?? 'built before it existed'}); nothing to check`);
  process.exit(0);
}
const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
const t0 = performance.now();
const [bad, first] = addon.libmCheck('tanh', 0, 1, 2 ** 32);
const s = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`tanh: ${bad} of 4294967296 inputs differ from the C library's tanhf` +
  `${bad > 0 ? ` (first: 0x${first.toString(16).padStart(8, '0')})` : ''}; glibc ${report?.header?.glibcVersionRuntime ?? 'absent'}; ${s} s`);
process.exitCode = bad > 0 ? 1 : 0;
