// The addon's own tanh and exp (native/src/mathf.h: glibc's tanhf and expf without control flow, so GCC
// vectorises GELU, SwiGLU and the cross-entropy's softmax) give the C library's bits: the models' activations and
// losses, and so every table, keep their values. All 2^32 inputs agree on glibc 2.36 (bench/libm-exhaustive.ts:
// tanh 16 s, exp 6 s); here a sample of every 997th bit pattern plus every pattern in a window around each branch
// threshold of the algorithms, both signs.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from './native';

const native = loadNativeAddon();
/** The algorithms copied are glibc's of 2.36 (fdlibm's tanhf; expf with its x86-64 FMA build); later versions may
 * replace them (e.g. with correctly rounded ones), so the comparison runs on glibc 2.36 only. */
const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
const skip = !native.addon ? native.reason : !native.addon.libmCheck ? 'addon built before libmCheck existed'
  : glibc !== '2.36' ? `the C library is not glibc 2.36 (glibc ${glibc ?? 'absent'}), whose tanhf and expf these copy` : undefined;
const title = (s: string) => (skip ? `${s} (SKIPPED: ${skip})` : s);
/** glibc picks its FMA expf where the CPU has FMA; ours always gives that build's bits (mathf.h). */
const cpuFma = existsSync('/proc/cpuinfo') && /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
const expSkip = skip ?? (cpuFma ? undefined : 'this CPU has no FMA, so glibc runs its non-FMA expf; ours keeps the FMA build\'s bits');
const expTitle = (s: string) => (expSkip ? `${s} (SKIPPED: ${expSkip})` : s);

const bits = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0]!;
const LN2 = Math.LN2;
/** Branch thresholds (|x|) of each algorithm. tanh: 2^-55 (x·(1+x)), 2^-26 (expm1's |a| < 2^-25), ln2/4 (k = 0 ends),
 * 1.5·ln2/2 (k = ±1 ends), 1 (the two forms), 22.5·ln2/2 (k = 23), 56.5·ln2/2 (k = 57), 22 (±1), inf (NaNs follow).
 * exp: 88 (the special cases start), log 2^128, log 2^-149, log 2^-150, a table-index wrap, 0, inf. */
const THRESHOLDS = {
  tanh: [2 ** -55, 2 ** -26, LN2 / 4, (1.5 * LN2) / 2, 1, (22.5 * LN2) / 2, (56.5 * LN2) / 2, 22, Infinity],
  exp: [88, 128 * LN2, 149 * LN2, 150 * LN2, LN2 / 64, 2 ** -30, Infinity],
} as const;

describe.skipIf(skip !== undefined)('the addon\'s tanh and exp against the C library\'s tanhf and expf', () => {
  for (const fn of ['tanh', 'exp'] as const) {
    const fnSkip = fn === 'exp' && expSkip !== undefined;
    const named = fn === 'exp' ? expTitle : title;
    it.skipIf(fnSkip)(named(`${fn}: every 997th float bit pattern (4.3 M inputs: all exponents, ±0, subnormals, ±inf, NaNs)`), () => {
      const [bad, first] = native.addon!.libmCheck!(fn, 0, 997, Math.ceil(2 ** 32 / 997));
      expect({ bad, first: first < 0 ? 'none' : first.toString(16) }).toEqual({ bad: 0, first: 'none' });
    });

    it.skipIf(fnSkip)(named(`${fn}: every pattern within 2^15 of each branch threshold, both signs`), () => {
      for (const v of THRESHOLDS[fn]) {
        for (const sign of [0, 0x80000000]) {
          const start = ((bits(v) - 2 ** 15) | sign) >>> 0;
          const [bad, first] = native.addon!.libmCheck!(fn, start, 1, 2 ** 16);
          expect({ at: v, sign, bad, first }, 'mismatches near a threshold').toEqual({ at: v, sign, bad: 0, first: -1 });
        }
      }
    });
  }

  it.skipIf(expSkip !== undefined)(expTitle('exp: the two inputs where glibc\'s FMA build differs from the same code without FMA'), () => {
    // Found by the exhaustive run: only these two floats tell the contracted reduction r = fma(32/ln2, x, −k)
    // from the uncontracted one, so a sample would not notice losing the FMA.
    for (const x of [0x4202422f, 0xc27c65d9]) expect(native.addon!.libmCheck!('exp', x, 1, 1), x.toString(16)).toEqual([0, -1]);
  });

  it(title('refuses a function it does not have, and bad arguments, with one clear error'), () => {
    expect(() => native.addon!.libmCheck!('log' as 'tanh', 0, 1, 1)).toThrow(/unknown function \(known: tanh, exp\)/);
    expect(() => native.addon!.libmCheck!('tanh', -1, 1, 1)).toThrow(/bad arguments/);
  });
});
