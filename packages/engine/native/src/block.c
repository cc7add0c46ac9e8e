/* One transformer block of a pass with a KV cache (generation: the prompt pass and each decode step), forward only,
 * as one native call instead of ~16 tfjs kernels. It runs the steps of model/forward.ts's composition in order, each
 * through the C function its own kernel calls, so the bits are the composition's (kernels/attention.spec.ts checks
 * whole generations both ways): the norms (fused.c, as EditlabLayerNorm/EditlabRmsNorm), each projection as the one
 * sgemm call the native BatchMatMul/_FusedMatMul/EditlabLinear kernels make (sgemm.c, the bias as C's first rows),
 * RoPE (eltwise.c), the cached attention (attention.c), the residual adds (one IEEE add per element, as
 * the Add kernel), GELU or SwiGLU (eltwise.c). docs/engine-speed.md "A decode block in one call". */
#include <stdlib.h>
#include "attention.h"
#include "block.h"
#include "kernels.h"
#include "sgemm.h"

/* y [rows, n] = x [rows, k] · w [k, n] (+ bias [n]) */
static void linear(const float *x, const float *w, const float *bias, float *y, size_t rows, size_t n, size_t k) {
  el_sgemm_batched(0, 0, (int)rows, (int)n, (int)k, 1, x, 0, w, 0, y, 0, bias);
}

static void norm(const BlockDims *s, const float *x, const float *w, const float *b, float *y, float *mean, float *rstd) {
  const size_t rows = s->B * s->T;
  if (s->llama) el_rmsnorm(x, w, rows, s->d, s->eps, y, rstd);
  else el_layernorm(x, w, b, rows, s->d, s->eps, y, mean, rstd);
}

int el_block_cached(const BlockDims *s, const BlockPtrs *p) {
  const size_t N = s->B * s->T, d = s->d, qd = s->H * s->dh, kd = s->Hkv * s->dh, m = s->m;
  /* scratch: xa [N, d], mean, rstd [N], q [N, qd], k, v [N, kd], rotated q, k, z [N, qd], a [N, d], gate, up, post [N, m] */
  const size_t total = 2 * N * d + 2 * N + 3 * N * qd + 3 * N * kd + 3 * N * m;
  float *all = malloc(total * sizeof(float));
  if (!all) return 0;
  float *xa = all, *mean = xa + N * d, *rstd = mean + N, *q = rstd + N, *k = q + N * qd, *v = k + N * kd;
  float *qr = v + N * kd, *kr = qr + N * qd, *z = kr + N * kd, *a = z + N * qd, *gate = a + N * d, *up = gate + N * m;
  float *post = up + N * m;
  int ok = 1;

  /* attention half: resid_mid = x + attn(ln1(x)) */
  norm(s, p->x, p->ln1w, p->ln1b, xa, mean, rstd);
  linear(xa, p->wq, p->bq, q, N, qd, d);
  linear(xa, p->wk, p->bk, k, N, kd, d);
  linear(xa, p->wv, p->bv, v, N, kd, d);
  const float *qa = q, *ka = k;
  if (s->llama) {
    el_rope(q, p->cos, p->sin, qr, N, s->H, s->dh);
    el_rope(k, p->cos, p->sin, kr, N, s->Hkv, s->dh);
    qa = qr;
    ka = kr;
  }
  if (!el_attention_cached(qa, ka, v, p->pk, p->pv, p->mask, s->B, s->T, s->P, s->H, s->Hkv, s->dh, s->mask_b, s->scale, z,
                           p->ka, p->va)) {
    ok = 0;
    goto done;
  }
  linear(z, p->wo, p->bo, a, N, d, qd);
  el_add(p->x, a, p->out, N * d);

  /* MLP half: resid_post = resid_mid + mlp(ln2(resid_mid)) */
  norm(s, p->out, p->ln2w, p->ln2b, xa, mean, rstd);
  if (s->llama) {
    linear(xa, p->wgate, NULL, gate, N, m, d);
    linear(xa, p->win, NULL, up, N, m, d);
    el_swiglu(gate, up, post, N * m);
  } else {
    linear(xa, p->win, p->bin, gate, N, m, d);
    el_gelu(gate, post, N * m);
  }
  linear(post, p->wout, p->bout, a, N, d, m);
  el_add(p->out, a, p->out, N * d);
done:
  free(all);
  return ok;
}
