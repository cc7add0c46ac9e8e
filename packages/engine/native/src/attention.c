/* Causal self-attention without a KV cache, forward and backward, as one kernel each (Vaswani et al. 2017, eq. 1):
 * z = softmax(q·kᵀ·c + mask)·v per batch row b and head h, with q [B, T, H, dh], k and v [B, T, Hkv, dh] (query
 * head h reads key/value head ⌊h / (H/Hkv)⌋: grouped-query attention, Ainslie et al. 2023), mask [Bm, 1, T, T]
 * (Bm = 1 or B) and z [B, T, H, dh]; P = the softmax [B, H, T, T] is an output, kept for the backward pass.
 *
 * Every number is the one the engine's tfjs composition gives (model/forward.ts `attend`: transposes, BatchMatMul,
 * Multiply, Add, Softmax; tfjs-core's gradients of each): the same OpenBLAS calls on the same operands (one head's
 * rows copied out of the [B, T, H, dh] layout, as the Transpose kernel did, through el_sgemm_batched with its
 * single-thread rule), the same float operations element by element, softmax.c's row (the stock kernel's bits), and
 * eltwise.c's row sum (the code of the Sum kernel the softmax gradient runs), and with Hkv < H the key/value
 * gradients summed over a group's heads from zero in head order, as the gather's gradient (UnsortedSegmentSum,
 * backend/segment-sum.ts) sums them. What goes away is the kernels in between: the
 * transposes of q, k, v, z and of their gradients, and the [B, H, T, T] tensors each step wrote and read
 * (docs/engine-speed.md "Attention in one kernel"). src/kernels/attention.spec.ts compares both passes with the
 * composition bit for bit. */
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "sgemm.h"
#include "attention.h"
#include "par.h"

/* Row t of head h in a [B, T, heads, dh] tensor, batch row b. */
static inline size_t at(size_t b, size_t t, size_t h, size_t T, size_t heads, size_t dh) {
  return ((b * T + t) * heads + h) * dh;
}

/* One head's rows [T, dh] copied out of x [B, T, heads, dh] (what the Transpose kernel laid out). */
static void gather_head(const float *x, float *out, size_t b, size_t h, size_t T, size_t heads, size_t dh) {
  for (size_t t = 0; t < T; t++) memcpy(out + t * dh, x + at(b, t, h, T, heads, dh), dh * sizeof(float));
}

/* ... and back. */
static void scatter_head(const float *in, float *x, size_t b, size_t h, size_t T, size_t heads, size_t dh) {
  for (size_t t = 0; t < T; t++) memcpy(x + at(b, t, h, T, heads, dh), in + t * dh, dh * sizeof(float));
}

/* A head's key/value gradient into its kv head's rows: copied when every kv head has one query head (no gather in
 * the composition), else added to the rows (zeroed first) in head order, as UnsortedSegmentSum adds. */
static void put_kv(const float *in, float *x, size_t b, size_t kv, size_t T, size_t heads, size_t dh, int group) {
  if (!group) {
    scatter_head(in, x, b, kv, T, heads, dh);
    return;
  }
  for (size_t t = 0; t < T; t++) {
    float *row = x + at(b, t, kv, T, heads, dh);
    const float *src = in + t * dh;
    for (size_t j = 0; j < dh; j++) row[j] = row[j] + src[j];
  }
}

/* Scratch for one (b, h): five [T, dh] and two [T, T] buffers. */
typedef struct {
  float *q, *k, *v, *z, *dk, *s, *ds;
} Scratch;

static int scratch_alloc(Scratch *w, size_t T, size_t dh) {
  const size_t hd = T * dh, tt = T * T;
  float *all = malloc((5 * hd + 2 * tt) * sizeof(float));
  if (!all) return 0;
  *w = (Scratch){all, all + hd, all + 2 * hd, all + 3 * hd, all + 4 * hd, all + 5 * hd, all + 5 * hd + tt};
  return 1;
}

/* One head's forward, the composition's steps in order: scores s = q·kᵀ [T, Tk] (BatchMatMul), s·scale + mask
 * (Multiply, then Add), P = softmax rows (the stock kernel's bits), z = P·v [T, dh]. q [T, dh], k, v [Tk, dh]
 * contiguous, mask [T, Tk]; s is scratch [T, Tk]. Both forward passes run this, so they cannot drift apart. */
static void head_forward(const float *q, const float *k, const float *v, const float *mask, size_t T, size_t Tk,
                         size_t dh, float scale, float *s, float *p, float *z) {
  const int m = (int)T, n = (int)Tk, d = (int)dh;
  el_sgemm_batched(0, 1, m, n, d, 1, q, 0, k, 0, s, 0, NULL);
  for (size_t i = 0; i < T * Tk; i++) s[i] = s[i] * scale + mask[i];
  for (size_t t = 0; t < T; t++) el_softmax_row(s + t * Tk, p + t * Tk, Tk);
  el_sgemm_batched(0, 0, m, d, n, 1, p, 0, v, 0, z, 0, NULL);
}

/* The heads are split over OpenBLAS's workers (par.c) when every product of a head is one OpenBLAS runs on one
 * thread anyway (el_sgemm_batched's rule): the split then leaves each head's calls as they were. (Two OpenMP threads
 * over the heads had doubled a side-model step: OpenBLAS's worker spins on the other core after each threaded
 * product; docs/engine-speed.md "Attention in one kernel".) A grouped-query gradient keeps each key/value group's
 * heads in one part, so a group's gradient is summed in head order by one thread. */
typedef struct {
  const float *q, *k, *v, *mask, *p, *dz;
  size_t T, H, Hkv, dh, mask_b;
  float scale;
  float *z, *pout, *dq, *dk, *dv;
  volatile int failed;
} Heads;

static int heads_parts(size_t B, size_t H, size_t T, size_t dh) {
  return (double)T * T * dh < el_sgemm_small_work() ? el_par_parts(B * H * T * T * (2 * dh + 8)) : 1;
}

static void forward_part(void *ctx, size_t lo, size_t hi) {
  Heads *a = ctx;
  const size_t T = a->T, H = a->H, Hkv = a->Hkv, dh = a->dh;
  Scratch w;
  if (!scratch_alloc(&w, T, dh)) {
    a->failed = 1;
    return;
  }
  for (size_t bh = lo; bh < hi; bh++) {
    const size_t b = bh / H, h = bh % H, kv = h / (H / Hkv);
    gather_head(a->q, w.q, b, h, T, H, dh);
    gather_head(a->k, w.k, b, kv, T, Hkv, dh);
    gather_head(a->v, w.v, b, kv, T, Hkv, dh);
    head_forward(w.q, w.k, w.v, a->mask + (a->mask_b == 1 ? 0 : b) * T * T, T, T, dh, a->scale, w.s,
                 a->pout + bh * T * T, w.z);
    scatter_head(w.z, a->z, b, h, T, H, dh);
  }
  free(w.q);
}

int el_attention(const float *q, const float *k, const float *v, const float *mask, size_t B, size_t T, size_t H,
                 size_t Hkv, size_t dh, size_t mask_b, float scale, float *z, float *p) {
  Heads a = {.q = q, .k = k, .v = v, .mask = mask, .T = T, .H = H, .Hkv = Hkv, .dh = dh, .mask_b = mask_b,
             .scale = scale, .z = z, .pout = p};
  el_par_for(B * H, 1, heads_parts(B, H, T, dh), forward_part, &a);
  return !a.failed;
}

/* tfjs-core's gradients, in their operand order: BatchMatMul_grad (a·bᵀ: da = dy·b, db = dyᵀ·a; a·b: da = dy·bᵀ,
 * db = aᵀ·dy), Softmax_grad (dy·y − sum(dy·y)·y), Multiply_grad (dy·c). */
static void backward_part(void *ctx, size_t lo, size_t hi) {
  Heads *a = ctx;
  const float *q = a->q, *k = a->k, *v = a->v, *p = a->p, *dz = a->dz;
  float *dq = a->dq, *dk = a->dk, *dv = a->dv;
  const size_t T = a->T, H = a->H, Hkv = a->Hkv, dh = a->dh;
  const float scale = a->scale;
  const int n = (int)T, d = (int)dh, group = Hkv < H;
  Scratch w;
  if (!scratch_alloc(&w, T, dh)) {
    a->failed = 1;
    return;
  }
  for (size_t bh = lo; bh < hi; bh++) {
    const size_t b = bh / H, h = bh % H, kv = h / (H / Hkv);
    const float *pbh = p + bh * T * T;
    gather_head(q, w.q, b, h, T, H, dh);
    gather_head(k, w.k, b, kv, T, Hkv, dh);
    gather_head(v, w.v, b, kv, T, Hkv, dh);
    gather_head(dz, w.z, b, h, T, H, dh);
    el_sgemm_batched(0, 1, n, n, d, 1, w.z, 0, w.v, 0, w.ds, 0, NULL); /* dP = dz·vᵀ */
    el_sgemm_batched(1, 0, n, d, n, 1, pbh, 0, w.z, 0, w.dk, 0, NULL); /* dv = Pᵀ·dz */
    put_kv(w.dk, dv, b, kv, T, Hkv, dh, group);
    for (size_t t = 0; t < T; t++) {
      float *g = w.ds + t * T, *s = w.s + t * T;
      const float *y = pbh + t * T;
      for (size_t j = 0; j < T; j++) s[j] = g[j] * y[j]; /* dyTimesY */
      const float sum = el_sum_row(s, T);
      for (size_t j = 0; j < T; j++) g[j] = (s[j] - sum * y[j]) * scale; /* Sub, then Multiply_grad */
    }
    el_sgemm_batched(0, 0, n, d, n, 1, w.ds, 0, w.k, 0, w.z, 0, NULL); /* dq = dS·k */
    scatter_head(w.z, dq, b, h, T, H, dh);
    el_sgemm_batched(1, 0, n, d, n, 1, w.ds, 0, w.q, 0, w.dk, 0, NULL); /* dk = dSᵀ·q */
    put_kv(w.dk, dk, b, kv, T, Hkv, dh, group);
  }
  free(w.q);
}

int el_attention_grad(const float *q, const float *k, const float *v, const float *p, const float *dz, size_t B,
                      size_t T, size_t H, size_t Hkv, size_t dh, float scale, float *dq, float *dk, float *dv) {
  if (Hkv < H) {
    memset(dk, 0, B * T * Hkv * dh * sizeof(float));
    memset(dv, 0, B * T * Hkv * dh * sizeof(float));
  }
  Heads a = {.q = q, .k = k, .v = v, .p = p, .dz = dz, .T = T, .H = H, .Hkv = Hkv, .dh = dh, .scale = scale,
             .dq = dq, .dk = dk, .dv = dv};
  el_par_for(B * H, H / Hkv, heads_parts(B, H, T, dh), backward_part, &a);
  return !a.failed;
}

/* A pass with a KV cache (generation: the prompt, then one position a step), forward only: this call's T queries
 * against the P cached keys and its own, Tk = P + T. k, v [B, T, Hkv, dh] are this call's; pk, pv [B, Hkv, P, dh]
 * the cache (P may be 0); mask [Bm, 1, T, Tk]. Writes z [B, T, H, dh] and the new cache ka, va [B, Hkv, Tk, dh]
 * (the composition's concat of the cache and this call's keys along positions). Each head's products take its
 * key/value rows straight from the new cache, which holds them contiguously as the composition's operands did. */
int el_attention_cached(const float *q, const float *k, const float *v, const float *pk, const float *pv,
                        const float *mask, size_t B, size_t T, size_t P, size_t H, size_t Hkv, size_t dh, size_t mask_b,
                        float scale, float *z, float *ka, float *va) {
  const size_t Tk = P + T;
  for (size_t b = 0; b < B; b++) {
    for (size_t kv = 0; kv < Hkv; kv++) {
      const size_t head = (b * Hkv + kv) * Tk * dh, past = (b * Hkv + kv) * P * dh;
      if (P) {
        memcpy(ka + head, pk + past, P * dh * sizeof(float));
        memcpy(va + head, pv + past, P * dh * sizeof(float));
      }
      gather_head(k, ka + head + P * dh, b, kv, T, Hkv, dh);
      gather_head(v, va + head + P * dh, b, kv, T, Hkv, dh);
    }
  }
  float *all = malloc((2 * T * dh + T * Tk * 2) * sizeof(float));
  if (!all) return 0;
  float *qh = all, *zh = all + T * dh, *s = all + 2 * T * dh, *ph = s + T * Tk;
  for (size_t bh = 0; bh < B * H; bh++) {
    const size_t b = bh / H, h = bh % H, kv = h / (H / Hkv);
    gather_head(q, qh, b, h, T, H, dh);
    head_forward(qh, ka + (b * Hkv + kv) * Tk * dh, va + (b * Hkv + kv) * Tk * dh, mask + (mask_b == 1 ? 0 : b) * T * Tk, T,
                 Tk, dh, scale, s, ph, zh);
    scatter_head(zh, z, b, h, T, H, dh);
  }
  free(all);
  return 1;
}
