/* N-API surface of the editlab native kernels. Every buffer argument is a byte offset into one
 * ArrayBuffer (the wasm heap, `wasm.HEAPU8.buffer`), so a call allocates nothing on the JS side.
 * Every operand range is bounds-checked against the heap before any kernel runs.
 * N-API is ABI-stable: the built addon survives Node upgrades. */
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include "kernels.h"
#include "sgemm.h"
#include "par.h"
#include "lapack.h"
#include "signals.h"
#include "mathf_check.h"
#include "napi_args.h"
#include "attention.h"
#include "block.h"
#include "index.h"
#include "grads.h"
#include "owner.h"

/* sgemmBatched(heap, transA, transB, m, n, k, batch, aOff, strideA, bOff, strideB, cOff, strideC, biasOff)
 * biasOff < 0: no bias; else a bias [n] added to every row of C. */
static napi_value sgemm_batched(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 14, "sgemmBatched: expected 14 arguments")) return NULL;
  bool ta = false, tb = false;
  napi_get_value_bool(env, a.argv[1], &ta);
  napi_get_value_bool(env, a.argv[2], &tb);
  const size_t m = sz(&a, 3), n = sz(&a, 4), k = sz(&a, 5), batch = sz(&a, 6);
  const size_t sa = sz(&a, 8), sb = sz(&a, 10), sc = sz(&a, 12);
  if (!m || !n || !k || !batch) {
    napi_throw_range_error(env, CODE, "sgemmBatched: empty product");
    return NULL;
  }
  const float *A = ptr(&a, 7, (batch - 1) * sa + m * k);
  const float *B = ptr(&a, 9, (batch - 1) * sb + k * n);
  float *C = ptr(&a, 11, (batch - 1) * sc + m * n);
  const float *bias = opt_ptr(&a, 13, n);
  if (a.failed) return NULL;
  el_sgemm_batched(ta, tb, (int)m, (int)n, (int)k, (int)batch, A, sa, B, sb, C, sc, bias);
  return NULL;
}

/* unary(heap, op, xOff, yOff, n): op 0 tanh, 1 exp */
static napi_value unary(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 5, "unary: expected 5 arguments")) return NULL;
  const int op = (int)num(&a, 1);
  const size_t n = sz(&a, 4);
  const float *x = ptr(&a, 2, n);
  float *y = ptr(&a, 3, n);
  if (a.failed) return NULL;
  if (op == 0) el_tanh(x, y, n);
  else if (op == 1) el_exp(x, y, n);
  else napi_throw_range_error(env, CODE, "unary: unknown op");
  return NULL;
}

/* add(heap, aOff, bOff, yOff, n): y = a + b element by element (eltwise.c el_add) */
static napi_value add(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 5, "add: expected 5 arguments")) return NULL;
  const size_t n = sz(&a, 4);
  const float *x = ptr(&a, 1, n), *y = ptr(&a, 2, n);
  float *out = ptr(&a, 3, n);
  if (a.failed) return NULL;
  el_add(x, y, out, n);
  return NULL;
}

/* softmax(heap, xOff, yOff, rows, n): softmax over each row of n, with tfjs-backend-wasm's bits (softmax.c) */
static napi_value softmax(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 5, "softmax: expected 5 arguments")) return NULL;
  const size_t rows = sz(&a, 3), n = sz(&a, 4);
  const float *x = ptr(&a, 1, rows * n);
  float *y = ptr(&a, 2, rows * n);
  if (a.failed) return NULL;
  if (n > 0) el_softmax(x, y, rows, n);
  return NULL;
}

/* transpose(heap, xOff, yOff, B, R, C, I): x [B, R, C, I] → y [B, C, R, I] of 4-byte elements (transpose.c) */
static napi_value transpose(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 7, "transpose: expected 7 arguments")) return NULL;
  const size_t B = sz(&a, 3), R = sz(&a, 4), C = sz(&a, 5), I = sz(&a, 6), n = B * R * C * I;
  const void *x = ptr(&a, 1, n);
  void *y = ptr(&a, 2, n);
  if (a.failed) return NULL;
  if (n > 0) el_transpose(x, y, B, R, C, I);
  return NULL;
}

/* gelu(heap, xOff, yOff, tOff, n): GELU; with tOff ≥ 0 also its tanh, kept for the gradient */
static napi_value gelu(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 5, "gelu: expected 5 arguments")) return NULL;
  const size_t n = sz(&a, 4);
  const float *x = ptr(&a, 1, n);
  float *y = ptr(&a, 2, n);
  float *t = opt_ptr(&a, 3, n);
  if (a.failed) return NULL;
  if (t) el_gelu_keep(x, y, t, n);
  else el_gelu(x, y, n);
  return NULL;
}

/* geluGrad(heap, xOff, tOff, dyOff, dxOff, n): tOff −1 recomputes the tanh */
static napi_value gelu_grad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 6, "geluGrad: expected 6 arguments")) return NULL;
  const size_t n = sz(&a, 5);
  const float *x = ptr(&a, 1, n), *dy = ptr(&a, 3, n);
  const float *t = opt_ptr(&a, 2, n);
  float *dx = ptr(&a, 4, n);
  if (a.failed) return NULL;
  el_gelu_grad(x, t, dy, dx, n);
  return NULL;
}

/* swiglu(heap, gOff, uOff, yOff, n) */
static napi_value swiglu(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 5, "swiglu: expected 5 arguments")) return NULL;
  const size_t n = sz(&a, 4);
  const float *g = ptr(&a, 1, n), *u = ptr(&a, 2, n);
  float *y = ptr(&a, 3, n);
  if (a.failed) return NULL;
  el_swiglu(g, u, y, n);
  return NULL;
}

/* swigluGrad(heap, gOff, uOff, dyOff, dgOff, duOff, n) */
static napi_value swiglu_grad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 7, "swigluGrad: expected 7 arguments")) return NULL;
  const size_t n = sz(&a, 6);
  const float *g = ptr(&a, 1, n), *u = ptr(&a, 2, n), *dy = ptr(&a, 3, n);
  float *dg = ptr(&a, 4, n), *du = ptr(&a, 5, n);
  if (a.failed) return NULL;
  el_swiglu_grad(g, u, dy, dg, du, n);
  return NULL;
}

/* rope(heap, xOff, cosOff, sinOff, yOff, rows, heads, dh) */
static napi_value rope(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 8, "rope: expected 8 arguments")) return NULL;
  const size_t rows = sz(&a, 5), heads = sz(&a, 6), dh = sz(&a, 7);
  const float *x = ptr(&a, 1, rows * heads * dh), *c = ptr(&a, 2, rows * dh), *s = ptr(&a, 3, rows * dh);
  float *y = ptr(&a, 4, rows * heads * dh);
  if (a.failed) return NULL;
  el_rope(x, c, s, y, rows, heads, dh);
  return NULL;
}

/* ropeGrad(heap, xOff, cosOff, sinOff, dyOff, dxOff, dcosOff, dsinOff, rows, heads, dh) */
static napi_value rope_grad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 11, "ropeGrad: expected 11 arguments")) return NULL;
  const size_t rows = sz(&a, 8), heads = sz(&a, 9), dh = sz(&a, 10);
  const size_t n = rows * heads * dh;
  const float *x = ptr(&a, 1, n), *c = ptr(&a, 2, rows * dh), *s = ptr(&a, 3, rows * dh), *dy = ptr(&a, 4, n);
  float *dx = ptr(&a, 5, n), *dc = ptr(&a, 6, rows * dh), *ds = ptr(&a, 7, rows * dh);
  if (a.failed) return NULL;
  el_rope_grad(x, c, s, dy, dx, dc, ds, rows, heads, dh);
  return NULL;
}

/* sum(heap, xOff, yOff, outer, inner, leading): leading → y[inner] = Σ rows, else y[outer] = Σ columns */
static napi_value sum(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 6, "sum: expected 6 arguments")) return NULL;
  const size_t outer = sz(&a, 3), inner = sz(&a, 4);
  bool leading = false;
  napi_get_value_bool(env, a.argv[5], &leading);
  const float *x = ptr(&a, 1, outer * inner);
  float *y = ptr(&a, 2, leading ? inner : outer);
  if (a.failed) return NULL;
  if (leading) el_sum_leading(x, y, outer, inner);
  else el_sum_trailing(x, y, outer, inner);
  return NULL;
}

/* xent(heap, logitsOff, targetsOff, maskOff, rows, v, lossOff, lseOff) */
static napi_value xent(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 8, "xent: expected 8 arguments")) return NULL;
  const size_t rows = sz(&a, 4), v = sz(&a, 5);
  const float *x = ptr(&a, 1, rows * v), *mask = ptr(&a, 3, rows);
  const int32_t *t = ptr(&a, 2, rows);
  float *loss = ptr(&a, 6, 1), *lse = ptr(&a, 7, rows);
  if (a.failed) return NULL;
  el_xent(x, t, mask, rows, v, loss, lse);
  return NULL;
}

/* xentGrad(heap, logitsOff, targetsOff, maskOff, lseOff, g, rows, v, dOff, dmaskOff) */
static napi_value xent_grad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 10, "xentGrad: expected 10 arguments")) return NULL;
  const size_t rows = sz(&a, 6), v = sz(&a, 7);
  const float *x = ptr(&a, 1, rows * v), *mask = ptr(&a, 3, rows), *lse = ptr(&a, 4, rows);
  const int32_t *t = ptr(&a, 2, rows);
  float *d = ptr(&a, 8, rows * v), *dmask = ptr(&a, 9, rows);
  if (a.failed) return NULL;
  el_xent_grad(x, t, mask, lse, (float)num(&a, 5), rows, v, d, dmask);
  return NULL;
}

/* norm(heap, kind, xOff, gammaOff, betaOff, rows, d, eps, yOff, meanOff, rstdOff): kind 0 LayerNorm, 1 RMSNorm
 * (RMSNorm ignores beta and mean). */
static napi_value norm(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 11, "norm: expected 11 arguments")) return NULL;
  const int kind = (int)num(&a, 1);
  const size_t rows = sz(&a, 5), d = sz(&a, 6);
  const float *x = ptr(&a, 2, rows * d), *gamma = ptr(&a, 3, d);
  float *y = ptr(&a, 8, rows * d), *rstd = ptr(&a, 10, rows);
  if (kind == 0) {
    const float *beta = ptr(&a, 4, d);
    float *mean = ptr(&a, 9, rows);
    if (!a.failed) el_layernorm(x, gamma, beta, rows, d, (float)num(&a, 7), y, mean, rstd);
  } else if (!a.failed) {
    el_rmsnorm(x, gamma, rows, d, (float)num(&a, 7), y, rstd);
  }
  return NULL;
}

/* normGrad(heap, kind, xOff, gammaOff, dyOff, meanOff, rstdOff, rows, d, dxOff, dgammaOff, dbetaOff) */
static napi_value norm_grad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 12, "normGrad: expected 12 arguments")) return NULL;
  const int kind = (int)num(&a, 1);
  const size_t rows = sz(&a, 7), d = sz(&a, 8);
  const float *x = ptr(&a, 2, rows * d), *gamma = ptr(&a, 3, d), *dy = ptr(&a, 4, rows * d);
  const float *rstd = ptr(&a, 6, rows);
  float *dx = ptr(&a, 9, rows * d), *dgamma = ptr(&a, 10, d);
  if (kind == 0) {
    const float *mean = ptr(&a, 5, rows);
    float *dbeta = ptr(&a, 11, d);
    if (!a.failed) el_layernorm_grad(x, gamma, dy, mean, rstd, rows, d, dx, dgamma, dbeta);
  } else if (!a.failed) {
    el_rmsnorm_grad(x, gamma, dy, rstd, rows, d, dx, dgamma);
  }
  return NULL;
}

/* adam(heap, pOff, mOff, vOff, gOff, n, lr, b1, b2, eps, c1, c2, pOutOff, mOutOff, vOutOff) */
static napi_value adam(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 15, "adam: expected 15 arguments")) return NULL;
  const size_t n = sz(&a, 5);
  const float *p = ptr(&a, 1, n), *m = ptr(&a, 2, n), *v = ptr(&a, 3, n), *g = ptr(&a, 4, n);
  float *po = ptr(&a, 12, n), *mo = ptr(&a, 13, n), *vo = ptr(&a, 14, n);
  if (a.failed) return NULL;
  el_adam(p, m, v, g, n, (float)num(&a, 6), (float)num(&a, 7), (float)num(&a, 8), (float)num(&a, 9), (float)num(&a, 10),
          (float)num(&a, 11), po, mo, vo);
  return NULL;
}

/* Call setter(n) with the one numeric argument. */
static napi_value with_count(napi_env env, napi_callback_info info, void (*setter)(int)) {
  size_t argc = 1;
  napi_value argv[1];
  double n = 1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1) return NULL;
  napi_get_value_double(env, argv[0], &n);
  setter((int)n);
  return NULL;
}

/* setThreads(n): OpenBLAS threads. */
static napi_value set_threads(napi_env env, napi_callback_info info) { return with_count(env, info, el_set_threads); }

/* setParThreads(n): threads of the OpenMP element-wise kernels only. */
static napi_value set_par_threads(napi_env env, napi_callback_info info) {
  return with_count(env, info, el_set_par_threads);
}

/* setSplitParts(n): parts of the loops split over OpenBLAS's workers (par.c; 1 = on the calling thread only). */
static napi_value set_split_parts(napi_env env, napi_callback_info info) {
  return with_count(env, info, el_set_par_parts);
}

static napi_value number(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

/* setSplitMin(w): the least work (element operations) a loop splits at; 0 restores the default. */
static napi_value set_split_min(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  double w = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1) return NULL;
  napi_get_value_double(env, argv[0], &w);
  el_set_par_min_work(w);
  return NULL;
}

/* getSplitParts(): the parts a large loop runs in now (1 where OpenBLAS's thread server is not usable). */
static napi_value get_split_parts(napi_env env, napi_callback_info info) { return number(env, el_get_par_parts()); }

/* splitLoops(): loops run in more than one part so far (the specs check that the split was taken). */
static napi_value split_loops(napi_env env, napi_callback_info info) { return number(env, (double)el_par_split_loops()); }

static napi_value get_threads(napi_env env, napi_callback_info info) { return number(env, el_get_threads()); }

static napi_value blas_config(napi_env env, napi_callback_info info) {
  napi_value out;
  const char *c = el_blas_config();
  napi_create_string_utf8(env, c, strlen(c), &out);
  return out;
}

#ifndef EDITLAB_CFLAGS
#define EDITLAB_CFLAGS "unknown (built without binding.gyp)"
#endif
#if defined(__AVX512F__)
#define EL_ISA "avx512f"
#elif defined(__AVX2__)
#define EL_ISA "avx2"
#elif defined(__AVX__)
#define EL_ISA "avx"
#else
#define EL_ISA "sse2"
#endif
#ifdef __FMA__
#define EL_FMA "fma"
#else
#define EL_FMA "no-fma"
#endif
#ifdef __VERSION__
#define EL_CC __VERSION__
#else
#define EL_CC "unknown"
#endif
#define EL_STR2(x) #x
#define EL_STR(x) EL_STR2(x)

/* buildInfo(): what compiled this addon, fixed at build time (recorded in every table's environment and
 * in the cache keys: runner/src/plan/provenance.ts). */
static napi_value build_info(napi_env env, napi_callback_info info) {
  static const char text[] = "{\"cflags\":\"" EDITLAB_CFLAGS "\",\"compiler\":\"gcc " EL_CC "\",\"isa\":\"" EL_ISA
                             " " EL_FMA "\",\"iec559\":" EL_STR(__GCC_IEC_559) "}";
  napi_value out;
  napi_create_string_utf8(env, text, sizeof(text) - 1, &out);
  return out;
}

#define FN EL_NAPI_FN

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      FN("sgemmBatched", sgemm_batched), FN("unary", unary), FN("add", add), FN("softmax", softmax), FN("transpose", transpose),       FN("geluGrad", gelu_grad),   FN("gelu", gelu),
      FN("sum", sum),                    FN("rope", rope),         FN("ropeGrad", rope_grad),                    FN("swiglu", swiglu),     FN("swigluGrad", swiglu_grad),                    FN("xent", xent),         FN("xentGrad", xent_grad),
      FN("norm", norm),                  FN("adam", adam),                  FN("normGrad", norm_grad), FN("setThreads", set_threads),
      FN("getThreads", get_threads),     FN("setParThreads", set_par_threads),     FN("setSplitParts", set_split_parts), FN("getSplitParts", get_split_parts), FN("splitLoops", split_loops), FN("setSplitMin", set_split_min),     FN("blasConfig", blas_config),
      FN("buildInfo", build_info),
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  el_lapack_register(env, exports);
  el_signals_register(env, exports);
  el_mathf_register(env, exports);
  el_attention_register(env, exports);
  el_block_register(env, exports);
  el_index_register(env, exports);
  el_grads_register(env, exports);
  el_owner_register(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
