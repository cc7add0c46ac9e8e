// The addon's own tanh (native/src/mathf.h: fdlibm's tanhf without control flow, so GCC vectorises GELU) gives
// the C library's tanhf bits: the GPT-2 models' GELU, and so every table, keep their values. All 2^32 inputs
// agree on glibc 2.36 (bench/libm-exhaustive.ts, 17 s); here a sample of every 997th bit pattern plus every
// pattern in a window around each branch threshold of the algorithm, both signs.
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from './native';

const native = loadNativeAddon();
/** glibc's float tanh was fdlibm's up to 2.40; later versions may replace it with a correctly rounded one. */
const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
const glibcFdlibm = glibc !== undefined && Number(glibc.split('.')[0]) === 2 && Number(glibc.split('.')[1]) <= 40;
const skip = !native.addon ? native.reason : !native.addon.libmCheck ? 'addon built before libmCheck existed'
  : !glibcFdlibm ? `C library is not glibc <= 2.40 (glibc ${glibc ?? 'absent'}), whose tanhf is fdlibm's` : undefined;
const title = (s: string) => (skip ? `${s} (SKIPPED: ${skip})` : s);

const bits = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0]!;

describe.skipIf(skip !== undefined)('the addon\'s tanh against the C library\'s tanhf', () => {
  it(title('every 997th float bit pattern (4.3 M inputs: all exponents, ±0, subnormals, ±inf, NaNs)'), () => {
    const [bad, first] = native.addon!.libmCheck!('tanh', 0, 997, Math.ceil(2 ** 32 / 997));
    expect({ bad, first: first < 0 ? 'none' : first.toString(16) }).toEqual({ bad: 0, first: 'none' });
  });

  it(title('every pattern within 2^15 of each branch threshold, both signs'), () => {
    // |x| at: 2^-55 (x·(1+x)), 2^-26 (expm1's |a| < 2^-25), ln2/4 (k = 0 ends), 1.5·ln2/2 (k = ±1 ends), 1 (the two
    // forms), 22.5·ln2/2 (k = 23), 56.5·ln2/2 (k = 57), 22 (±1), inf (NaNs follow).
    const LN2 = Math.LN2;
    const at = [2 ** -55, 2 ** -26, LN2 / 4, (1.5 * LN2) / 2, 1, (22.5 * LN2) / 2, (56.5 * LN2) / 2, 22, Infinity];
    for (const v of at) {
      for (const sign of [0, 0x80000000]) {
        const start = ((bits(v) - 2 ** 15) | sign) >>> 0;
        const [bad, first] = native.addon!.libmCheck!('tanh', start, 1, 2 ** 16);
        expect({ at: v, sign, bad, first }, 'mismatches near a threshold').toEqual({ at: v, sign, bad: 0, first: -1 });
      }
    }
  });

  it(title('refuses a function it does not have, and bad arguments, with one clear error'), () => {
    expect(() => native.addon!.libmCheck!('exp' as 'tanh', 0, 1, 1)).toThrow(/unknown function \(known: tanh\)/);
    expect(() => native.addon!.libmCheck!('tanh', -1, 1, 1)).toThrow(/bad arguments/);
  });
});
