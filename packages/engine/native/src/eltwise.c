/* Element-wise and reduction kernels on the wasm heap. The loops (tanh, exp, GELU, SwiGLU, RoPE, Add, the sums by
 * column or row) run in parts on OpenBLAS's worker threads above a size threshold (par.c); the sums take OpenMP
 * threads instead when EDITLAB_ELTWISE_THREADS sets more than one, vectorised by GCC -O3 where IEEE semantics allow (binding.gyp: no fast-math). tanh and exp are
 * mathf.h's vectorisable copies of glibc's tanhf and expf, which give its bits (not libmvec's SIMD approximations).
 * Each replaces a tfjs-backend-wasm kernel or a composition of them that the size-b profile shows as
 * single-threaded scalar work (docs/engine-backend.md §6: Tanh ~34 M elements/s, Sum via transpose). */
#include <math.h>
#include <omp.h>
#include <string.h>
#include "kernels.h"
#include "mathf.h"
#include "par.h"

/* OpenMP: one thread by default: OpenBLAS (pthread build) keeps its workers spinning after each sgemm, and an
 * OpenMP team on the same 2 cores fights them (hence par.c, which hands work to those workers) -- measured: a [1536,256]·[256,1024] sgemm went from 3.7 ms
 * to 7.0 ms, and sgemm+GELU from 4.2 ms to 13.7 ms (bench/micro-kernels.ts). */
static int g_threads = 1;
/* Below this many elements a parallel region costs more than it saves (thread wake-up ~5-20 µs). */
#define PAR_MIN_WORK 65536

void el_set_par_threads(int n) { g_threads = n < 1 ? 1 : n; }

int el_threads_for(size_t work) { return work >= PAR_MIN_WORK ? g_threads : 1; }

/* The element-wise loops below run in parts on OpenBLAS's workers (par.c): each NAME_part computes elements
 * [lo, hi) exactly as the whole loop would, and NAME splits [0, n) in 16-element-aligned chunks. */
typedef struct {
  const float *a, *b, *c;
  float *y, *z;
} Ew;
#define EL_SPLIT(NAME, COST, ...)                                                                                     \
  do {                                                                                                               \
    Ew ew = {__VA_ARGS__};                                                                                           \
    el_par_for(n, 16, el_par_parts(n * (COST)), NAME##_part, &ew);                                                   \
  } while (0)

static EL_WIDE void tanh_part(void *ctx, size_t lo, size_t hi) {
  const Ew *e = ctx;
#pragma omp simd
  for (size_t i = lo; i < hi; i++) e->y[i] = el_tanhf(e->a[i]);
}
void el_tanh(const float *x, float *y, size_t n) { EL_SPLIT(tanh, 8, x, NULL, NULL, y, NULL); }

static EL_WIDE void exp_part(void *ctx, size_t lo, size_t hi) {
  const Ew *e = ctx;
#pragma omp simd
  for (size_t i = lo; i < hi; i++) e->y[i] = el_expf(e->a[i]);
}
void el_exp(const float *x, float *y, size_t n) { EL_SPLIT(exp, 8, x, NULL, NULL, y, NULL); }

/* y = a + b, one IEEE add per element: what tfjs-backend-wasm's Add computes for same-shape float32 operands (block.c's
 * residual adds, and the Add kernel for such operands: backend/native-kernels.ts). On one thread it ran no faster
 * than the stock kernel (the memory's time: ~0.15 ms at [2048, 128]); split over OpenBLAS's workers it gains. */
static EL_WIDE void add_part(void *ctx, size_t lo, size_t hi) {
  const Ew *e = ctx;
  const float *a = e->a, *b = e->b;
  float *y = e->y;
#pragma omp simd
  for (size_t i = lo; i < hi; i++) y[i] = a[i] + b[i];
}
void el_add(const float *a, const float *b, float *y, size_t n) { EL_SPLIT(add, 1, a, b, NULL, y, NULL); }

/* GPT-2 "gelu_new" (Hendrycks & Gimpel 2016, tanh form): y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
#define GELU_C 0.7978845608028654f
#define GELU_A 0.044715f

/* The tanh of GELU's argument, written once: GELU, its training form (which keeps t for the gradient) and the
 * gradient without a kept t all evaluate this same expression, so a kept t is the bits a recomputation gives. */
static inline float gelu_tanh(float v) { return el_tanhf(GELU_C * (v + GELU_A * v * v * v)); }

static EL_WIDE void gelu_part(void *ctx, size_t lo, size_t hi) {
  const float *x = ((const Ew *)ctx)->a;
  float *y = ((const Ew *)ctx)->y;
#pragma omp simd
  for (size_t i = lo; i < hi; i++) y[i] = 0.5f * x[i] * (1.0f + gelu_tanh(x[i]));
}
void el_gelu(const float *x, float *y, size_t n) { EL_SPLIT(gelu, 8, x, NULL, NULL, y, NULL); }

/* GELU for training: y as el_gelu, and t = tanh(...) kept for the gradient (the tanh is most of
 * the cost of GELU and of its gradient; docs/engine-speed.md "GELU's tanh, once per step"). */
static EL_WIDE void gelu_keep_part(void *ctx, size_t lo, size_t hi) {
  const Ew *e = ctx;
  const float *x = e->a;
  float *y = e->y, *t = e->z;
#pragma omp simd
  for (size_t i = lo; i < hi; i++) {
    t[i] = gelu_tanh(x[i]);
    y[i] = 0.5f * x[i] * (1.0f + t[i]);
  }
}
void el_gelu_keep(const float *x, float *y, float *t, size_t n) { EL_SPLIT(gelu_keep, 8, x, NULL, NULL, y, t); }

/* d gelu/dx = 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²), t = tanh(√(2/π)(x + 0.044715x³)):
 * from the kept t when given (el_gelu_keep), else recomputed. */
static EL_WIDE void gelu_grad_part(void *ctx, size_t lo, size_t hi) {
  const Ew *e = ctx;
  const float *x = e->a, *kept = e->b, *dy = e->c;
  float *dx = e->y;
#pragma omp simd
  for (size_t i = lo; i < hi; i++) {
    const float v = x[i];
    const float t = kept ? kept[i] : gelu_tanh(v);
    const float d = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * GELU_C * (1.0f + 3.0f * GELU_A * v * v);
    dx[i] = dy[i] * d;
  }
}
void el_gelu_grad(const float *x, const float *kept, const float *dy, float *dx, size_t n) {
  EL_SPLIT(gelu_grad, kept ? 4 : 8, x, kept, dy, dx, NULL);
}

/* y[j] = Σ_i x[i, j] for x [outer, inner] (a bias gradient: reduce the leading axes). Threads split the
 * columns, so each thread streams every row's slice of its columns and needs no partial buffers. */
typedef struct {
  const float *x;
  float *y;
  size_t outer, inner;
} Sum;

static void sum_leading_part(void *ctx, size_t lo, size_t hi) {
  const Sum *a = ctx;
  float *out = a->y + lo;
  memset(out, 0, (hi - lo) * sizeof(float));
  for (size_t i = 0; i < a->outer; i++) {
    const float *row = a->x + i * a->inner + lo;
#pragma omp simd
    for (size_t j = 0; j < hi - lo; j++) out[j] += row[j];
  }
}

/* Columns split over OpenBLAS's workers (par.c), or over EDITLAB_ELTWISE_THREADS OpenMP threads when those are set
 * above 1; each column is summed over the rows in order from zero either way. */
void el_sum_leading(const float *x, float *y, size_t outer, size_t inner) {
  Sum a = {x, y, outer, inner};
  const int nt = inner >= 64 ? el_threads_for(outer * inner) : 1;
  if (nt <= 1) {
    el_par_for(inner, 16, inner >= 64 ? el_par_parts(outer * inner) : 1, sum_leading_part, &a);
    return;
  }
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    sum_leading_part(&a, inner * t / T, inner * (t + 1) / T);
  }
}

/* Σ_j row[j] in the vectorised order every trailing sum uses. Not inlined: the Sum kernel below and the fused
 * attention gradient (attention.c, the softmax gradient's row sums) run this one piece of machine code, so they
 * give the same bits, and the attention gradient calls it per row without an OpenMP region per call. */
__attribute__((noinline)) float el_sum_row(const float *row, size_t n) {
  float s = 0.0f;
#pragma omp simd reduction(+ : s)
  for (size_t j = 0; j < n; j++) s += row[j];
  return s;
}

/* y[i] = Σ_j x[i, j] for x [outer, inner] (reduce the trailing axes). */
static void sum_trailing_part(void *ctx, size_t lo, size_t hi) {
  const Sum *a = ctx;
  for (size_t i = lo; i < hi; i++) a->y[i] = el_sum_row(a->x + i * a->inner, a->inner);
}

void el_sum_trailing(const float *x, float *y, size_t outer, size_t inner) {
  Sum a = {x, y, outer, inner};
  const int nt = el_threads_for(outer * inner);
  if (nt <= 1) {
    el_par_for(outer, 1, el_par_parts(outer * inner), sum_trailing_part, &a);
    return;
  }
#pragma omp parallel num_threads(nt)
  {
    const int t = omp_get_thread_num(), T = omp_get_num_threads();
    sum_trailing_part(&a, outer * t / T, outer * (t + 1) / T);
  }
}

/* SwiGLU (Shazeer 2020): y = silu(g)·u = g·σ(g)·u. */
static EL_WIDE void swiglu_part(void *ctx, size_t lo, size_t hi) {
  const Ew *e = ctx;
  const float *g = e->a, *u = e->b;
  float *y = e->y;
#pragma omp simd
  for (size_t i = lo; i < hi; i++) {
    const float s = 1.0f / (1.0f + el_expf(-g[i]));
    y[i] = g[i] * s * u[i];
  }
}
void el_swiglu(const float *g, const float *u, float *y, size_t n) { EL_SPLIT(swiglu, 8, g, u, NULL, y, NULL); }

/* dg = dy·u·σ(g)·(1 + g·(1 − σ(g))), du = dy·g·σ(g). */
static EL_WIDE void swiglu_grad_part(void *ctx, size_t lo, size_t hi) {
  const Ew *e = ctx;
  const float *g = e->a, *u = e->b, *dy = e->c;
  float *dg = e->y, *du = e->z;
#pragma omp simd
  for (size_t i = lo; i < hi; i++) {
    const float s = 1.0f / (1.0f + el_expf(-g[i]));
    dg[i] = dy[i] * u[i] * s * (1.0f + g[i] * (1.0f - s));
    /* g·σ(g) first, as the reference (silu(g)·u): for g → −∞ it is −0, where (dy·g)·σ(g) was inf·0 = NaN. */
    du[i] = dy[i] * (g[i] * s);
  }
}
void el_swiglu_grad(const float *g, const float *u, const float *dy, float *dg, float *du, size_t n) {
  EL_SPLIT(swiglu_grad, 8, g, u, dy, dg, du);
}

/* RoPE, "rotate half" layout (Su et al. 2021, RoFormer eq. 34; model/rope.ts): x [R, H, dh] with R = B·T
 * rows, cos/sin [R, dh] shared by the H heads. y = x·cos + rot(x)·sin, rot([x₁, x₂]) = [−x₂, x₁]. */
typedef struct {
  const float *x, *cs, *sn, *dy;
  float *y, *dcos, *dsin;
  size_t heads, dh;
} Rope;

static void rope_part(void *ctx, size_t lo, size_t hi) {
  const Rope *a = ctx;
  const float *x = a->x, *cs = a->cs, *sn = a->sn;
  float *y = a->y;
  const size_t heads = a->heads, dh = a->dh, half = dh / 2;
  for (size_t r = lo; r < hi; r++) {
    const float *c = cs + r * dh, *s = sn + r * dh;
    for (size_t h = 0; h < heads; h++) {
      const float *xr = x + (r * heads + h) * dh;
      float *yr = y + (r * heads + h) * dh;
#pragma omp simd
      for (size_t j = 0; j < half; j++) {
        yr[j] = xr[j] * c[j] - xr[j + half] * s[j];
        yr[j + half] = xr[j + half] * c[j + half] + xr[j] * s[j + half];
      }
    }
  }
}

void el_rope(const float *x, const float *cs, const float *sn, float *y, size_t rows, size_t heads, size_t dh) {
  Rope a = {x, cs, sn, NULL, y, NULL, NULL, heads, dh};
  el_par_for(rows, 1, el_par_parts(rows * heads * dh * 2), rope_part, &a);
}

/* dx₁ = dy₁·c₁ + dy₂·s₂, dx₂ = dy₂·c₂ − dy₁·s₁; dcos = Σ_h dy·x, dsin = Σ_h dy·rot(x). */
static void rope_grad_part(void *ctx, size_t lo, size_t hi) {
  const Rope *a = ctx;
  const float *x = a->x, *cs = a->cs, *sn = a->sn, *dy = a->dy;
  float *dx = a->y, *dcos = a->dcos, *dsin = a->dsin;
  const size_t heads = a->heads, dh = a->dh, half = dh / 2;
  for (size_t r = lo; r < hi; r++) {
    const float *c = cs + r * dh, *s = sn + r * dh;
    float *dc = dcos + r * dh, *ds = dsin + r * dh;
    for (size_t j = 0; j < dh; j++) dc[j] = ds[j] = 0.0f;
    for (size_t h = 0; h < heads; h++) {
      const size_t o = (r * heads + h) * dh;
      const float *xr = x + o, *g = dy + o;
      float *d = dx + o;
#pragma omp simd
      for (size_t j = 0; j < half; j++) {
        d[j] = g[j] * c[j] + g[j + half] * s[j + half];
        d[j + half] = g[j + half] * c[j + half] - g[j] * s[j];
        dc[j] += g[j] * xr[j];
        dc[j + half] += g[j + half] * xr[j + half];
        ds[j] -= g[j] * xr[j + half];
        ds[j + half] += g[j + half] * xr[j];
      }
    }
  }
}

void el_rope_grad(const float *x, const float *cs, const float *sn, const float *dy, float *dx, float *dcos,
                  float *dsin, size_t rows, size_t heads, size_t dh) {
  Rope a = {x, cs, sn, dy, dx, dcos, dsin, heads, dh};
  el_par_for(rows, 1, el_par_parts(rows * heads * dh * 4), rope_grad_part, &a);
}
