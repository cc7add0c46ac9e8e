/* Vectorisable float functions that give the C library's bits. GELU's tanh was glibc's scalar tanhf, one call
 * per element (~9-13 ns: a quarter of a size-b training step, docs/engine-speed.md "GELU's tanh, once per
 * step"). The functions here are the same algorithm, operation for operation, written without control flow:
 * every branch of the scalar code is computed and the result picked with bit masks, so GCC vectorises a loop
 * over them (#pragma omp simd) and the loop gives the scalar function's bits (no FMA: binding.gyp sets
 * -ffp-contract=off; IEEE division and conversion are the same in a vector lane as in scalar code).
 * Checked against the C library over all 2^32 inputs (bench/libm-exhaustive.ts) and on a sample in the tests
 * (test/native-mathf.spec.ts). */
#ifndef EDITLAB_MATHF_H
#define EDITLAB_MATHF_H
#include <stdint.h>
#include <string.h>

static inline uint32_t el_f2u(float f) {
  uint32_t u;
  memcpy(&u, &f, 4);
  return u;
}
static inline float el_u2f(uint32_t u) {
  float f;
  memcpy(&f, &u, 4);
  return f;
}
/* all ones when c holds, else zero; and the select `m ? a : b` on such a mask */
static inline uint32_t el_mask(int c) { return 0u - (uint32_t)(c != 0); }
static inline float el_sel(uint32_t m, float a, float b) { return el_u2f((el_f2u(a) & m) | (el_f2u(b) & ~m)); }
static inline uint32_t el_selu(uint32_t m, uint32_t a, uint32_t b) { return (a & m) | (b & ~m); }

/* expm1(a), fdlibm's s_expm1f.c (Sun Microsystems 1993, float version by I. L. Taylor; glibc's generic
 * sysdeps/ieee754/flt-32/s_expm1f.c up to 2.40), for the arguments tanh gives it: a = 2|x| in [2, 44) or
 * a = -2|x| in (-2, -2^-54]. Its overflow and |a| >= 27 ln2 early exits are never taken there, so they are left
 * out; every other path is kept. */
static inline float el_expm1f_tanh(float a) {
  const float ln2_hi = 6.9313812256e-01f, ln2_lo = 9.0580006145e-06f, invln2 = 1.4426950216e+00f;
  const float Q1 = -3.3333335072e-02f, Q2 = 1.5873016091e-03f, Q3 = -7.9365076090e-05f, Q4 = 4.0082177293e-06f,
              Q5 = -2.0109921195e-07f;
  const uint32_t ua = el_f2u(a), ha = ua & 0x7fffffffu, sgn = ua & 0x80000000u;
  const uint32_t neg = el_mask(sgn), near1 = el_mask(ha < 0x3f851592u), reduce = el_mask(ha > 0x3eb17218u);
  /* argument reduction a = k·ln2 + r (|a| > ln2/2): k = ±1 below 1.5 ln2, else k = (int)(a/ln2 ± 1/2) */
  const int32_t kr = (int32_t)(invln2 * a + el_u2f(el_f2u(0.5f) | sgn));
  const float tk = (float)kr;
  const float hi = el_sel(near1, a - el_u2f(el_f2u(ln2_hi) | sgn), a - tk * ln2_hi);
  const float lo = el_sel(near1, el_u2f(el_f2u(ln2_lo) | sgn), tk * ln2_lo);
  const uint32_t k = el_selu(reduce, el_selu(near1, el_selu(neg, (uint32_t)-1, 1u), (uint32_t)kr), 0u);
  const int32_t ki = (int32_t)k;
  const float rr = hi - lo;
  const float r = el_sel(reduce, rr, a);
  const float c = el_sel(reduce, (hi - rr) - lo, 0.0f);
  /* r in [-ln2/2, ln2/2]: the rational approximation, then the reconstruction for each k */
  const float hfx = 0.5f * r;
  const float hxs = r * hfx;
  const float r1 = 1.0f + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  const float t = 3.0f - r1 * hfx;
  const float e0 = hxs * ((r1 - t) / (6.0f - r * t));
  const float y0 = r - (r * e0 - hxs); /* k = 0 */
  const float e = (r * (e0 - c) - c) - hxs;
  const float ym1 = 0.5f * (r - e) - 0.5f; /* k = -1 */
  const float yp1 = el_sel(el_mask(r < -0.25f), -2.0f * (e - (r + 0.5f)), 1.0f + 2.0f * (r - e)); /* k = 1 */
  const uint32_t kexp = k << 23;                                                                      /* 2^k */
  const float yfar = el_u2f(el_f2u(1.0f - (e - r)) + kexp) - 1.0f;                   /* k <= -2 or k > 56 */
  const float ylow = el_u2f(el_f2u(el_u2f(0x3f800000u - (0x1000000u >> (k & 31u))) - (e - r)) + kexp); /* k < 23 */
  const float yhigh = el_u2f(el_f2u((r - (e + el_u2f((0x7fu - k) << 23))) + 1.0f) + kexp);          /* else */
  float y = el_sel(el_mask((ki <= -2) | (ki > 56)), yfar, el_sel(el_mask(ki < 23), ylow, yhigh));
  y = el_sel(el_mask(ki == 1), yp1, y);
  y = el_sel(el_mask(ki == -1), ym1, y);
  y = el_sel(el_mask(ki == 0), y0, y);
  return el_sel(el_mask(ha < 0x33000000u), a, y); /* |a| < 2^-25: a */
}

/* tanh(x), fdlibm's s_tanhf.c (glibc's generic sysdeps/ieee754/flt-32/s_tanhf.c up to 2.40):
 * |x| >= 1: 1 - 2/(expm1(2|x|) + 2); |x| < 1: -expm1(-2|x|)/(expm1(-2|x|) + 2); |x| >= 22: 1; with x's sign.
 * |x| < 2^-55: x·(1 + x); ±0: x; ±inf: ±1; NaN: NaN (quieted, as 1/x ± 1 gives). */
static inline float el_tanhf(float x) {
  const uint32_t jx = el_f2u(x), ix = jx & 0x7fffffffu, sx = jx & 0x80000000u;
  const uint32_t ge1 = el_mask(ix >= 0x3f800000u);
  const float em = el_expm1f_tanh(el_u2f(el_f2u(2.0f * el_u2f(ix)) | (~ge1 & 0x80000000u)));
  const float q = el_sel(ge1, 2.0f, -em) / (em + 2.0f); /* one division serves both forms */
  float z = el_sel(ge1, 1.0f - q, q);
  z = el_sel(el_mask(ix >= 0x41b00000u), 1.0f, z); /* fdlibm's 1 - 1e-30 rounds to 1 */
  z = el_u2f(el_f2u(z) ^ sx);
  z = el_sel(el_mask(ix < 0x24000000u), x * (1.0f + x), z);
  z = el_sel(el_mask(ix == 0), x, z);
  z = el_sel(el_mask(ix == 0x7f800000u), el_u2f(el_f2u(1.0f) | sx), z);
  return el_sel(el_mask(ix > 0x7f800000u), x + x, z);
}
#endif
