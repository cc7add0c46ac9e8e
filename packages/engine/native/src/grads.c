/* Clipping by global norm (train/clip.ts; Pascanu et al. 2013, Alg. 2) in two native calls instead of two kernels per
 * gradient (Square, Sum) and one per gradient to scale (Multiply). The tensors are independent, so they are split over
 * OpenBLAS's worker by tensor (par.c); each tensor's arithmetic is the composition's. docs/engine-speed.md "Clipping in
 * two calls". */
#include <stdlib.h>
#include "grads.h"
#include "kernels.h"
#include "par.h"

typedef struct {
  const float *const *g;
  const size_t *n;
  float *out;
  float *const *y;
  float s;
  volatile int failed;
} Grads;

static EL_WIDE void square(const float *x, float *y, size_t n) {
#pragma omp simd
  for (size_t i = 0; i < n; i++) y[i] = x[i] * x[i];
}

static void sum_squares_part(void *ctx, size_t lo, size_t hi) {
  Grads *a = ctx;
  size_t most = 0;
  for (size_t t = lo; t < hi; t++) most = a->n[t] > most ? a->n[t] : most;
  float *sq = malloc((most ? most : 1) * sizeof(float));
  if (!sq) {
    a->failed = 1;
    return;
  }
  for (size_t t = lo; t < hi; t++) {
    square(a->g[t], sq, a->n[t]);
    a->out[t] = el_sum_row(sq, a->n[t]);
  }
  free(sq);
}

/* parts of a list of tensors: split where both halves have work (grain 1 tensor) */
static int parts_for(const size_t *n, size_t count) {
  size_t total = 0;
  for (size_t t = 0; t < count; t++) total += n[t];
  return count > 1 ? el_par_parts(total) : 1;
}

int el_sum_squares(const float *const *g, const size_t *n, size_t count, float *out) {
  Grads a = {g, n, out, NULL, 0.0f, 0};
  el_par_for(count, 1, parts_for(n, count), sum_squares_part, &a);
  return !a.failed;
}

static EL_WIDE void scale_part(void *ctx, size_t lo, size_t hi) {
  const Grads *a = ctx;
  const float s = a->s;
  for (size_t t = lo; t < hi; t++) {
    const float *x = a->g[t];
    float *y = a->y[t];
#pragma omp simd
    for (size_t i = 0; i < a->n[t]; i++) y[i] = x[i] * s;
  }
}

void el_scale_all(const float *const *x, float *const *y, const size_t *n, size_t count, float s) {
  Grads a = {x, n, NULL, y, s, 0};
  el_par_for(count, 1, parts_for(n, count), scale_part, &a);
}
