#ifndef EDITLAB_KERNELS_H
#define EDITLAB_KERNELS_H
#include <stddef.h>
#include <stdint.h>

/* IEEE semantics are part of the kernels' contract (binding.gyp): no fast-math, finite-math-only,
 * reciprocal approximations or dropped signed zeros (GCC sets __GCC_IEC_559 below 2 for any of them). */
#if defined(__FAST_MATH__) || __FINITE_MATH_ONLY__ || (defined(__GCC_IEC_559) && __GCC_IEC_559 < 2)
#error "editlab native kernels must be built without -ffast-math (see binding.gyp)"
#endif

/* Element-wise loops (one result per lane, no reduction) may use 512-bit vectors where the CPU has them: GCC's
 * -march=native on AVX-512 Xeons prefers 256-bit ones, and the tanh/exp loops ran 25% faster at 512 (GELU's tanh,
 * [1536,1024]: 4.4 -> 3.3 ms; docs/engine-speed.md "512-bit element-wise loops"). Every lane computes the same
 * operations whatever the width, so the bits do not change; loops with a reduction keep the default width, since
 * the order of a vectorised sum follows it. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define EL_WIDE __attribute__((target("prefer-vector-width=512")))
#else
#define EL_WIDE
#endif

void el_set_par_threads(int n);
int el_threads_for(size_t work);

/* eltwise.c */
void el_tanh(const float *x, float *y, size_t n);
void el_exp(const float *x, float *y, size_t n);
void el_add(const float *a, const float *b, float *y, size_t n);
void el_gelu(const float *x, float *y, size_t n);
void el_gelu_keep(const float *x, float *y, float *t, size_t n);
void el_gelu_grad(const float *x, const float *kept, const float *dy, float *dx, size_t n);
void el_swiglu(const float *g, const float *u, float *y, size_t n);
void el_swiglu_grad(const float *g, const float *u, const float *dy, float *dg, float *du, size_t n);
void el_rope(const float *x, const float *cs, const float *sn, float *y, size_t rows, size_t heads, size_t dh);
void el_rope_grad(const float *x, const float *cs, const float *sn, const float *dy, float *dx, float *dcos,
                  float *dsin, size_t rows, size_t heads, size_t dh);
void el_sum_leading(const float *x, float *y, size_t outer, size_t inner);
void el_sum_trailing(const float *x, float *y, size_t outer, size_t inner);
float el_sum_row(const float *row, size_t n);

/* softmax.c */
void el_softmax(const float *x, float *y, size_t rows, size_t n);
void el_softmax_row(const float *x, float *y, size_t n);
/* transpose.c: x [B, R, C, I] → y [B, C, R, I], 4-byte elements */
void el_transpose(const void *x, void *y, size_t B, size_t R, size_t C, size_t I);

/* fused.c */
void el_xent(const float *logits, const int32_t *targets, const float *mask, size_t rows, size_t v, float *loss,
             float *lse);
void el_xent_grad(const float *logits, const int32_t *targets, const float *mask, const float *lse, float g,
                  size_t rows, size_t v, float *dlogits, float *dmask);
void el_layernorm(const float *x, const float *gamma, const float *beta, size_t rows, size_t d, float eps, float *y,
                  float *mean, float *rstd);
void el_layernorm_grad(const float *x, const float *gamma, const float *dy, const float *mean, const float *rstd,
                       size_t rows, size_t d, float *dx, float *dgamma, float *dbeta);
void el_rmsnorm(const float *x, const float *gamma, size_t rows, size_t d, float eps, float *y, float *rstd);
void el_rmsnorm_grad(const float *x, const float *gamma, const float *dy, const float *rstd, size_t rows, size_t d,
                     float *dx, float *dgamma);
void el_adam(const float *p, const float *m, const float *v, const float *g, size_t n, float lr, float b1, float b2,
             float eps, float c1, float c2, float *p_out, float *m_out, float *v_out);
#endif
