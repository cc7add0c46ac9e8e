/* Vectorisable float functions that give glibc 2.36's bits. GELU's tanh and the exp of SwiGLU and of the
 * cross-entropy's softmax were glibc's scalar tanhf/expf, one call per element (tanhf ~9-13 ns: a quarter of a
 * size-b training step; docs/engine-speed.md "tanh and exp, vectorised, glibc's bits"). The functions here are
 * the same algorithms, operation for operation, written without control flow: every branch of the scalar code is
 * computed and the result picked with bit masks, so GCC vectorises a loop over them (#pragma omp simd) and the
 * loop gives the scalar function's bits (IEEE division, conversion and fma are the same in a vector lane as in
 * scalar code; binding.gyp's -ffp-contract=off leaves every other multiply and add separate, as in the library's
 * build). Checked against the C library over all 2^32 inputs (bench/libm-exhaustive.ts) and on a sample in the
 * tests (src/backend/native-mathf.spec.ts). */
#ifndef EDITLAB_MATHF_H
#define EDITLAB_MATHF_H
#include <stdint.h>
#include <math.h>
#include <string.h>

/* bit casts: el_f2u/el_u2f (float <-> uint32_t), el_d2u/el_u2d (double <-> uint64_t) */
#define EL_BITCAST(NAME, FROM, TO)                                                                              \
  static inline TO NAME(FROM v) {                                                                              \
    TO out;                                                                                                    \
    memcpy(&out, &v, sizeof out);                                                                              \
    return out;                                                                                                \
  }
EL_BITCAST(el_f2u, float, uint32_t)
EL_BITCAST(el_u2f, uint32_t, float)
EL_BITCAST(el_d2u, double, uint64_t)
EL_BITCAST(el_u2d, uint64_t, double)
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
  /* (int) of a float outside int's range (a = ±inf, NaN: lanes whose result tanh overrides) is undefined in C, so
   * those lanes convert 0 instead; |a| < 64 covers every lane whose result is used */
  const float kf = invln2 * a + el_u2f(el_f2u(0.5f) | sgn);
  const int32_t kr = (int32_t)el_sel(el_mask(ha < 0x42800000u), kf, 0.0f);
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

/* exp(x), glibc's expf (Szabolcs Nagy 2017, ARM optimized-routines; sysdeps/ieee754/flt-32/e_expf.c with
 * e_exp2f_data.c, EXP2F_TABLE_BITS 5, the shift rounding of math_config.h). On x86-64 glibc 2.36 picks its FMA
 * build on CPUs with FMA (ifunc __expf_fma, compiled with -mfma: GCC contracts z = InvLn2N·x into both the
 * shift rounding and r = z − kd, and the polynomial's three multiply-adds); the fma() calls below are those
 * contractions, and the result matches that build on all 2^32 inputs (bench/libm-exhaustive.ts). Built
 * without -mfma (binding.gyp's -march=native on a CPU without FMA), fma() is a correctly rounded library call:
 * the same bits, slowly. exp(x) = 2^(k/32)·2^(r/32), x·32/ln2 = k + r, |r| ≤ 1/2. */
static const uint64_t el_exp2f_tab[32] = {
    /* bits of 2^(i/32) (correctly rounded) minus i << 47, so that adding ki << 47 scales by 2^(ki/32) */
    0x3ff0000000000000ull, 0x3fefd9b0d3158574ull, 0x3fefb5586cf9890full, 0x3fef9301d0125b51ull,
    0x3fef72b83c7d517bull, 0x3fef54873168b9aaull, 0x3fef387a6e756238ull, 0x3fef1e9df51fdee1ull,
    0x3fef06fe0a31b715ull, 0x3feef1a7373aa9cbull, 0x3feedea64c123422ull, 0x3feece086061892dull,
    0x3feebfdad5362a27ull, 0x3feeb42b569d4f82ull, 0x3feeab07dd485429ull, 0x3feea47eb03a5585ull,
    0x3feea09e667f3bcdull, 0x3fee9f75e8ec5f74ull, 0x3feea11473eb0187ull, 0x3feea589994cce13ull,
    0x3feeace5422aa0dbull, 0x3feeb737b0cdc5e5ull, 0x3feec49182a3f090ull, 0x3feed503b23e255dull,
    0x3feee89f995ad3adull, 0x3feeff76f2fb5e47ull, 0x3fef199bdd85529cull, 0x3fef3720dcef9069ull,
    0x3fef5818dcfba487ull, 0x3fef7c97337b9b5full, 0x3fefa4afa2a490daull, 0x3fefd0765b6e4540ull};

static inline float el_expf(float x) {
  const double invln2n = 0x1.71547652b82fep+5, shift = 0x1.8p+52; /* 32/ln2; 1.5·2^52 rounds to an integer */
  const double c0 = 0x1.c6af84b912394p-20, c1 = 0x1.ebfce50fac4f3p-13, c2 = 0x1.62e42ff0c52d6p-6;
  const double xd = (double)x;
  double kd = fma(invln2n, xd, shift);
  const uint64_t ki = el_d2u(kd);
  kd -= shift;
  const double r = fma(invln2n, xd, -kd);
  const double s = el_u2d(el_exp2f_tab[ki & 31u] + (ki << 47));
  const double y = fma(fma(c0, r, c1), r * r, fma(c2, r, 1.0)) * s;
  const float main = (float)y;
  /* |x| >= 88 or NaN: glibc's special cases, in its order */
  const uint32_t ux = el_f2u(x), ax = ux & 0x7fffffffu;
  float z = el_sel(el_mask(x < -0x1.9d1d9ep6f), 0x1.4p-75f * 0x1.4p-75f, main); /* below log(2^-149): 2^-149 */
  z = el_sel(el_mask(x < -0x1.9fe368p6f), 0.0f, z);                               /* below log(2^-150): 0 */
  z = el_sel(el_mask(x > 0x1.62e42ep6f), el_u2f(0x7f800000u), z);                 /* above log(2^128): inf */
  z = el_sel(el_mask(ax >= 0x7f800000u), x + x, z);                               /* +inf, NaN */
  return el_sel(el_mask(ux == 0xff800000u), 0.0f, z);                              /* -inf: 0 */
}
#endif
