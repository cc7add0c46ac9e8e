/* OpenBLAS sgemm on buffers owned by JavaScript (the tfjs wasm heap).
 * Row-major C[b] = op(A[b]) · op(B[b]) for b in [0, batch), strided per batch (stride 0 = broadcast).
 * docs/engine-backend.md §6: called on Float32Array views of the wasm heap, 143-192 GFLOP/s at 1024^3 on 2 cores. */
#include <cblas.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "sgemm.h"
#include "par.h"

static int g_blas_threads = 2;

/* OpenBLAS (0.3.21 interface/gemm.c) multi-threads any product with M·N·K > 262144; below ~2^22 the wake-up
 * and join of its workers costs more than the work (decode-time products: [8,256]·[256,256] took ~90 µs with
 * 2 threads). Those run on the calling thread only. */
static double g_small_work = -1; /* EDITLAB_SMALL_GEMM overrides (0 disables) */

static double small_work(void) {
  if (g_small_work < 0) {
    const char *e = getenv("EDITLAB_SMALL_GEMM");
    g_small_work = e ? atof(e) : (double)(1 << 22);
  }
  return g_small_work;
}

void el_sgemm_batched(int trans_a, int trans_b, int m, int n, int k, int batch,
                      const float *a, size_t stride_a, const float *b, size_t stride_b,
                      float *c, size_t stride_c, const float *bias) {
  /* With a bias [n]: C rows start as the bias and sgemm accumulates (beta = 1), saving a separate Add. */
  const float beta = bias ? 1.0f : 0.0f;
  if (bias) {
    for (int i = 0; i < batch; i++)
      for (int r = 0; r < m; r++) memcpy(c + i * stride_c + (size_t)r * n, bias, (size_t)n * sizeof(float));
  }
  /* Leading dimensions of the row-major operands as stored: A is [m,k] or [k,m], B is [k,n] or [n,k]. */
  const int lda = trans_a ? m : k;
  const int ldb = trans_b ? k : n;
  const enum CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans;
  const enum CBLAS_TRANSPOSE tb = trans_b ? CblasTrans : CblasNoTrans;
  /* Inside a split loop (par.c) OpenBLAS is already single-threaded, and the other part may be running a product. */
  const int small = !el_par_active() && g_blas_threads > 1 && (double)m * n * k * (batch > 1 && stride_b == 0 ? batch : 1) < small_work();
  el_par_note_product(g_blas_threads > 1 && !small);
  if (small) openblas_set_num_threads(1);
  if (batch > 1 && stride_b == 0 && !trans_a && stride_a == (size_t)m * k && stride_c == (size_t)m * n) {
    /* Shared right operand: fold the batch into rows, one [batch·m, k]·[k, n] product. */
    cblas_sgemm(CblasRowMajor, ta, tb, batch * m, n, k, 1.0f, a, lda, b, ldb, beta, c, n);
  } else {
    for (int i = 0; i < batch; i++) {
      cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a + i * stride_a, lda, b + i * stride_b, ldb, beta,
                  c + i * stride_c, n);
    }
  }
  if (small) openblas_set_num_threads(g_blas_threads);
}


double el_sgemm_small_work(void) { return g_blas_threads > 1 ? small_work() : 1e300; }

void el_set_threads(int n) {
  g_blas_threads = n < 1 ? 1 : n;
  openblas_set_num_threads(g_blas_threads);
}

int el_get_threads(void) { return openblas_get_num_threads(); }

const char *el_blas_config(void) { return openblas_get_config(); }
