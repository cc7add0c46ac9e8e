/* Fused forward/backward kernels for the model's compound ops (kernels/ops.ts gives the reference
 * compositions they must match). One pass over the data each way instead of 5-15 tfjs kernels. */
#include <float.h>
#include <math.h>
#include <string.h>
#include "kernels.h"
#include "mathf.h"
#include "par.h"

/* el_xent's blocking: XENT_ROWS rows at a time, their exponentials XENT_CHUNK columns at a time (8 x 512 floats,
 * 16 KiB on the stack) */
#define XENT_ROWS 8
#define XENT_CHUNK 512

/* Masked mean cross-entropy (ops.ts maskedCrossEntropy):
 * loss = Σ_i mask_i·(lse_i − x_i[t_i]) / max(Σ_i mask_i, 1), lse_i = log Σ_j exp(x_ij). A target outside
 * [0, V) contributes 0, as oneHot gives an all-zero row in the reference. lse is kept for backward. */
typedef struct {
  const float *logits, *mask, *lse;
  const int32_t *targets;
  size_t rows, v;
  float g, *lse_out, *dlogits, *dmask;
  double c, count;
  float mean;
} Xent;
static void xent_grad_part(void *ctx, size_t lo, size_t hi);

/* The rows' lse, XENT_ROWS rows at a time: groups [lo, hi). */
static void xent_lse_part(void *ctx, size_t lo, size_t hi) {
  const Xent *a = ctx;
  const float *logits = a->logits;
  const size_t v = a->v, rows = a->rows;
  float *lse = a->lse_out;
  for (size_t gi = lo; gi < hi; gi++) {
    const size_t r0 = gi * XENT_ROWS, nr = rows - r0 < XENT_ROWS ? rows - r0 : XENT_ROWS;
    float m[XENT_ROWS], s[XENT_ROWS] = {0};
    /* rows past the last (a short group) take no work: their exponentials stay 0 and their sums are unused */
    float e[XENT_ROWS][XENT_CHUNK];
    for (size_t r = nr; r < XENT_ROWS; r++) memset(e[r], 0, sizeof e[r]);
    for (size_t r = 0; r < nr; r++) {
      const float *x = logits + (r0 + r) * v;
      float mr = -FLT_MAX;
#pragma omp simd reduction(max : mr)
      for (size_t j = 0; j < v; j++) mr = x[j] > mr ? x[j] : mr;
      m[r] = mr;
    }
    /* exp vectorised into a buffer, then each row summed in index order (the bits of the scalar loop); the
     * rows of a group interleave, so their add chains overlap instead of waiting on one another */
    for (size_t j0 = 0; j0 < v; j0 += XENT_CHUNK) {
      const size_t n = v - j0 < XENT_CHUNK ? v - j0 : XENT_CHUNK;
      for (size_t r = 0; r < nr; r++) {
        const float *x = logits + (r0 + r) * v + j0;
        const float mr = m[r];
#pragma omp simd
        for (size_t j = 0; j < n; j++) e[r][j] = el_expf(x[j] - mr);
      }
      for (size_t j = 0; j < n; j++)
        for (size_t r = 0; r < XENT_ROWS; r++) s[r] += e[r][j];
    }
    for (size_t r = 0; r < nr; r++) lse[r0 + r] = m[r] + logf(s[r]);
  }
}

/* The row groups run in parts on OpenBLAS's workers (par.c); the loss is then summed over the rows in index order on
 * the calling thread, whatever the split. */
void el_xent(const float *logits, const int32_t *targets, const float *mask, size_t rows, size_t v, float *loss,
             float *lse) {
  const size_t groups = (rows + XENT_ROWS - 1) / XENT_ROWS;
  Xent a = {.logits = logits, .lse_out = lse, .rows = rows, .v = v};
  el_par_for(groups, 1, el_par_parts(rows * v * 4), xent_lse_part, &a);
  double total = 0.0, count = 0.0;
  for (size_t i = 0; i < rows; i++) {
    const int32_t t = targets[i];
    if (t >= 0 && (size_t)t < v) total += (double)mask[i] * (double)(lse[i] - logits[i * v + t]);
    count += mask[i];
  }
  *loss = (float)(total / (count > 1.0 ? count : 1.0));
}

/* d loss/d x_ij = g·mask_i/c·(softmax_ij − [j = t_i]), c = max(Σ mask, 1);
 * d loss/d mask_i = g·(ℓ_i/c − [Σ mask ≥ 1]·loss/c) with ℓ_i the row's NLL (tf.maximum routes the
 * gradient to Σ mask when Σ mask ≥ 1). */
void el_xent_grad(const float *logits, const int32_t *targets, const float *mask, const float *lse, float g,
                  size_t rows, size_t v, float *dlogits, float *dmask) {
  double count = 0.0, total = 0.0;
  for (size_t i = 0; i < rows; i++) {
    count += mask[i];
    const int32_t t = targets[i];
    if (t >= 0 && (size_t)t < v) total += (double)mask[i] * (double)(lse[i] - logits[i * v + t]);
  }
  const double c = count > 1.0 ? count : 1.0;
  Xent a = {.logits = logits, .mask = mask, .lse = lse, .targets = targets, .v = v, .g = g, .dlogits = dlogits,
            .dmask = dmask, .c = c, .count = count, .mean = (float)(total / c)};
  el_par_for(rows, 1, el_par_parts(rows * v * 4), xent_grad_part, &a);
}

/* Rows [lo, hi) of the gradient: each row on its own, so the split leaves the bits alone. */
static void xent_grad_part(void *ctx, size_t lo, size_t hi) {
  const Xent *a = ctx;
  const float *logits = a->logits, *mask = a->mask, *lse = a->lse;
  const int32_t *targets = a->targets;
  const size_t v = a->v;
  const float g = a->g, mean = a->mean;
  const double c = a->c, count = a->count;
  float *dlogits = a->dlogits, *dmask = a->dmask;
  for (size_t i = lo; i < hi; i++) {
    const float *x = logits + i * v;
    float *d = dlogits + i * v;
    const int32_t t = targets[i];
    const int valid = t >= 0 && (size_t)t < v;
    const float coef = valid ? (float)(g * mask[i] / c) : 0.0f;
    const float l = lse[i];
#pragma omp simd
    for (size_t j = 0; j < v; j++) d[j] = coef * el_expf(x[j] - l);
    if (valid) d[t] -= coef;
    const float li = valid ? l - x[t] : 0.0f;
    dmask[i] = (float)(g * (li / c - (count >= 1.0 ? mean / c : 0.0)));
  }
}

/* LayerNorm over the last axis (Ba et al. 2016): y = (x − μ)·r·γ + β, r = 1/√(σ² + ε), σ² the population
 * variance (tf.moments). Saves μ and r per row. */
typedef struct {
  const float *x, *gamma, *beta, *dy, *mean, *rstd_in;
  size_t d;
  float eps, *y, *mean_out, *rstd, *dx, *dgamma, *dbeta;
} Norm;

/* Rows [lo, hi): each row on its own, so the split (par.c) leaves the bits alone. */
static void layernorm_part(void *ctx, size_t lo, size_t hi) {
  const Norm *a = ctx;
  const float *x = a->x, *gamma = a->gamma, *beta = a->beta;
  const size_t d = a->d;
  const float eps = a->eps;
  float *y = a->y, *mean = a->mean_out, *rstd = a->rstd;
  for (size_t i = lo; i < hi; i++) {
    const float *xr = x + i * d;
    float *yr = y + i * d;
    /* Row sums in double: Σ(x − μ)² of float32 values overflows float32 long before its mean does
     * (e.g. |x − μ| ≈ 1e19), which the reference's tf.moments survives (spec: native-adversarial). */
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (size_t j = 0; j < d; j++) s += xr[j];
    const float mu = (float)(s / (double)d);
    double q = 0.0;
#pragma omp simd reduction(+ : q)
    for (size_t j = 0; j < d; j++) {
      const float c = xr[j] - mu;
      q += (double)c * c;
    }
    const float r = 1.0f / sqrtf((float)(q / (double)d) + eps);
    mean[i] = mu;
    rstd[i] = r;
#pragma omp simd
    for (size_t j = 0; j < d; j++) yr[j] = (xr[j] - mu) * r * gamma[j] + beta[j];
  }
}

void el_layernorm(const float *x, const float *gamma, const float *beta, size_t rows, size_t d, float eps, float *y,
                  float *mean, float *rstd) {
  Norm a = {.x = x, .gamma = gamma, .beta = beta, .d = d, .eps = eps, .y = y, .mean_out = mean, .rstd = rstd};
  el_par_for(rows, 1, el_par_parts(rows * d * 2), layernorm_part, &a);
}

/* x̂ = (x − μ)·r, ĝ = dy·γ: dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)); dγ = Σ_rows dy·x̂; dβ = Σ_rows dy.
 * dx row by row (rows split over OpenBLAS's workers, par.c), then dγ and dβ column by column, each column summed over
 * the rows in order from 0 (columns split): the bits of one pass over the rows on one thread, whatever the split. */
static void layernorm_grad_rows(void *ctx, size_t lo, size_t hi) {
  const Norm *a = ctx;
  const float *x = a->x, *gamma = a->gamma, *dy = a->dy, *mean = a->mean, *rstd = a->rstd_in;
  const size_t d = a->d;
  float *dx = a->dx;
  for (size_t i = lo; i < hi; i++) {
    const float *xr = x + i * d, *gr = dy + i * d;
    float *dr = dx + i * d;
    const float mu = mean[i], r = rstd[i];
    float s1 = 0.0f, s2 = 0.0f;
#pragma omp simd reduction(+ : s1, s2)
    for (size_t j = 0; j < d; j++) {
      const float xh = (xr[j] - mu) * r;
      const float gh = gr[j] * gamma[j];
      s1 += gh;
      s2 += gh * xh;
    }
    const float m1 = s1 / (float)d, m2 = s2 / (float)d;
#pragma omp simd
    for (size_t j = 0; j < d; j++) {
      const float xh = (xr[j] - mu) * r;
      dr[j] = r * (gr[j] * gamma[j] - m1 - xh * m2);
    }
  }
}

/* Columns [lo, hi) of dγ (and of dβ for LayerNorm, `centred`), each summed over rows 0..rows-1 in order. */
static void norm_grad_cols(const Norm *a, size_t rows, size_t lo, size_t hi, int centred) {
  const float *x = a->x, *dy = a->dy, *mean = a->mean, *rstd = a->rstd_in;
  const size_t d = a->d;
  float *pg = a->dgamma, *pb = a->dbeta;
  for (size_t j = lo; j < hi; j++) {
    pg[j] = 0.0f;
    if (pb) pb[j] = 0.0f;
  }
  for (size_t i = 0; i < rows; i++) {
    const float *xr = x + i * d, *gr = dy + i * d;
    const float mu = centred ? mean[i] : 0.0f, r = rstd[i];
    if (centred) {
#pragma omp simd
      for (size_t j = lo; j < hi; j++) {
        pg[j] += gr[j] * ((xr[j] - mu) * r);
        pb[j] += gr[j];
      }
    } else {
#pragma omp simd
      for (size_t j = lo; j < hi; j++) pg[j] += gr[j] * (xr[j] * r);
    }
  }
  /* the one-thread sums were added to a zero: −0 becomes +0 as there */
  for (size_t j = lo; j < hi; j++) {
    pg[j] = 0.0f + pg[j];
    if (pb) pb[j] = 0.0f + pb[j];
  }
}

typedef struct {
  const Norm *norm;
  size_t rows;
  int centred;
} NormCols;

static void norm_grad_cols_part(void *ctx, size_t lo, size_t hi) {
  const NormCols *c = ctx;
  norm_grad_cols(c->norm, c->rows, lo, hi, c->centred);
}

void el_layernorm_grad(const float *x, const float *gamma, const float *dy, const float *mean, const float *rstd,
                       size_t rows, size_t d, float *dx, float *dgamma, float *dbeta) {
  Norm a = {.x = x, .gamma = gamma, .dy = dy, .mean = mean, .rstd_in = rstd, .d = d, .dx = dx, .dgamma = dgamma,
            .dbeta = dbeta};
  const int parts = el_par_parts(rows * d * 4);
  el_par_for(rows, 1, parts, layernorm_grad_rows, &a);
  NormCols c = {&a, rows, 1};
  el_par_for(d, 16, parts, norm_grad_cols_part, &c);
}

/* RMSNorm (Zhang & Sennrich 2019): y = x·r·γ, r = 1/√(mean(x²) + ε). Saves r per row. Rows split as LayerNorm's. */
static void rmsnorm_part(void *ctx, size_t lo, size_t hi) {
  const Norm *a = ctx;
  const float *x = a->x, *gamma = a->gamma;
  const size_t d = a->d;
  const float eps = a->eps;
  float *y = a->y, *rstd = a->rstd;
  for (size_t i = lo; i < hi; i++) {
    const float *xr = x + i * d;
    float *yr = y + i * d;
    double q = 0.0; /* double: see el_layernorm */
#pragma omp simd reduction(+ : q)
    for (size_t j = 0; j < d; j++) q += (double)xr[j] * xr[j];
    const float r = 1.0f / sqrtf((float)(q / (double)d) + eps);
    rstd[i] = r;
#pragma omp simd
    for (size_t j = 0; j < d; j++) yr[j] = xr[j] * r * gamma[j];
  }
}

void el_rmsnorm(const float *x, const float *gamma, size_t rows, size_t d, float eps, float *y, float *rstd) {
  Norm a = {.x = x, .gamma = gamma, .d = d, .eps = eps, .y = y, .rstd = rstd};
  el_par_for(rows, 1, el_par_parts(rows * d * 2), rmsnorm_part, &a);
}

/* x̂ = x·r, ĝ = dy·γ: dx = r·(ĝ − x̂·mean(ĝ·x̂)); dγ = Σ_rows dy·x̂ (split as LayerNorm's gradient). */
static void rmsnorm_grad_rows(void *ctx, size_t lo, size_t hi) {
  const Norm *a = ctx;
  const float *x = a->x, *gamma = a->gamma, *dy = a->dy, *rstd = a->rstd_in;
  const size_t d = a->d;
  float *dx = a->dx;
  for (size_t i = lo; i < hi; i++) {
    const float *xr = x + i * d, *gr = dy + i * d;
    float *dr = dx + i * d;
    const float r = rstd[i];
    float s2 = 0.0f;
#pragma omp simd reduction(+ : s2)
    for (size_t j = 0; j < d; j++) {
      const float xh = xr[j] * r;
      s2 += gr[j] * gamma[j] * xh;
    }
    const float m2 = s2 / (float)d;
#pragma omp simd
    for (size_t j = 0; j < d; j++) dr[j] = r * (gr[j] * gamma[j] - xr[j] * r * m2);
  }
}

void el_rmsnorm_grad(const float *x, const float *gamma, const float *dy, const float *rstd, size_t rows, size_t d,
                     float *dx, float *dgamma) {
  Norm a = {.x = x, .gamma = gamma, .dy = dy, .rstd_in = rstd, .d = d, .dx = dx, .dgamma = dgamma};
  const int parts = el_par_parts(rows * d * 4);
  el_par_for(rows, 1, parts, rmsnorm_grad_rows, &a);
  NormCols c = {&a, rows, 0};
  el_par_for(d, 16, parts, norm_grad_cols_part, &c);
}

/* Adam (Kingma & Ba 2015, Alg. 1) in the exact operation order of tfjs-core's AdamOptimizer:
 * m' = β1·m + (1−β1)·g; v' = β2·v + (1−β2)·g²; p' = p − lr·(m'/c1)/(√(v'/c2) + ε), c_i = 1 − β_i^t. */
typedef struct {
  const float *p, *m, *v, *g;
  float lr, b1, b2, eps, c1, c2;
  float *p_out, *m_out, *v_out;
} Adam;

/* Elements [lo, hi); each on its own, so the split (par.c) leaves the bits alone. */
static EL_WIDE void adam_part(void *ctx, size_t lo, size_t hi) {
  const Adam *a = ctx;
  const float *p = a->p, *m = a->m, *v = a->v, *g = a->g;
  const float lr = a->lr, b1 = a->b1, b2 = a->b2, eps = a->eps, c1 = a->c1, c2 = a->c2;
  float *p_out = a->p_out, *m_out = a->m_out, *v_out = a->v_out;
  const float a1 = 1.0f - b1, a2 = 1.0f - b2;
#pragma omp simd
  for (size_t i = lo; i < hi; i++) {
    const float mi = m[i] * b1 + g[i] * a1;
    const float vi = v[i] * b2 + (g[i] * g[i]) * a2;
    m_out[i] = mi;
    v_out[i] = vi;
    p_out[i] = (mi / c1) / (sqrtf(vi / c2) + eps) * -lr + p[i];
  }
}

void el_adam(const float *p, const float *m, const float *v, const float *g, size_t n, float lr, float b1, float b2,
             float eps, float c1, float c2, float *p_out, float *m_out, float *v_out) {
  Adam a = {p, m, v, g, lr, b1, b2, eps, c1, c2, p_out, m_out, v_out};
  el_par_for(n, 16, el_par_parts(n * 4), adam_part, &a);
}
