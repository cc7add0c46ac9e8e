/* Softmax over the last axis with the bits of tfjs-backend-wasm 4.22's Softmax kernel, which is XNNPACK's
 * softmax_nc_f32 operator run by its wasm SIMD build (dist/tfjs-backend-wasm-simd.wasm). Per row, XNNPACK's
 * compute function does: m = max(x) (rmax micro-kernel; a max is exact in any order); y = exp(x - m) and their sum
 * (f32-raddstoreexpminusmax, the "rr2_p5" variant: range reduction with ln 2 in two parts, a degree-5 polynomial,
 * 16 elements a step, one accumulator of four lanes); s = 1 / sum; y *= s (vmulc). Read from the shipped binary
 * (wasm2wat: the constants of the expminus parameter block, and the order of every add in the micro-kernel:
 * docs/engine-speed.md "Softmax with XNNPACK's bits"). WebAssembly SIMD has no fused multiply-add, so every
 * multiply and add below rounds on its own (binding.gyp: -ffp-contract=off), as V8 runs the wasm. The tests
 * compare this kernel with the stock one bit for bit (src/backend/native-softmax.spec.ts). */
#include <string.h>
#include "kernels.h"
#include "par.h"
#include "mathf.h"

/* XNNPACK's expminus parameters (xnn_init_f32_expminus_wasmsimd_rr2_p5_params), as the binary stores them. */
#define SM_LOG2E 0x1.715476p+0f
#define SM_MAGIC 0x1.8000FEp23f /* 1.5·2^23 + 127: adding it rounds to an integer and biases the exponent */
#define SM_MINUS_LN2_HI (-0x1.62E400p-1f)
#define SM_MINUS_LN2_LO (-0x1.7F7D1Cp-20f)
#define SM_C5 0x1.0F9F9Cp-7f
#define SM_C4 0x1.573A1Ap-5f
#define SM_C3 0x1.555A80p-3f
#define SM_C2 0x1.FFFDC6p-2f
#define SM_C1 0x1.FFFFF6p-1f
#define SM_DENORM_CUTOFF (-0x1.5D589Ep6f) /* below it exp underflows to a denormal: the kernel returns 0 */

/* exp(v), v = x - max <= 0, one lane of the micro-kernel, operation for operation. */
static inline float sm_exp(float v) {
  const float n0 = v * SM_LOG2E + SM_MAGIC;
  const float s = el_u2f(el_f2u(n0) << 23); /* 2^n */
  const float n = n0 - SM_MAGIC;
  const float t = (v + n * SM_MINUS_LN2_HI) + n * SM_MINUS_LN2_LO;
  float p = t * SM_C5 + SM_C4;
  p = t * p + SM_C3;
  p = t * p + SM_C2;
  p = t * p + SM_C1;
  const float f = (t * s) * p + s;
  return el_sel(el_mask(v < SM_DENORM_CUTOFF), 0.0f, f);
}

/* One row of n: y = softmax(x). The sum follows the micro-kernel: lanes l = 0..3 accumulate elements i ≡ l (mod 4)
 * of the 16-element steps, then of the 4-element steps; then (acc0 + acc2) + (acc1 + acc3); then the last one to
 * three elements one by one. */
EL_WIDE void el_softmax_row(const float *x, float *y, size_t n) {
  /* a max is exact in any order (a NaN anywhere makes the whole row NaN either way), so this one may vectorise */
  float m = x[0];
#pragma omp simd reduction(max : m)
  for (size_t i = 1; i < n; i++) m = x[i] > m ? x[i] : m;
#pragma omp simd
  for (size_t i = 0; i < n; i++) y[i] = sm_exp(x[i] - m);
  float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int l = 0; l < 4; l++) acc[l] = (((acc[l] + y[i + l]) + y[i + 4 + l]) + y[i + 8 + l]) + y[i + 12 + l];
  for (int l = 0; l < 4; l++) acc[l] = acc[l] + 0.0f;
  for (; i + 4 <= n; i += 4)
    for (int l = 0; l < 4; l++) acc[l] = acc[l] + y[i + l];
  float s = (acc[0] + acc[2]) + (acc[1] + acc[3]);
  if (n - i >= 2) {
    s = (s + y[i]) + y[i + 1];
    i += 2;
  }
  if (n - i == 1) s = s + y[i];
  const float scale = 1.0f / s;
#pragma omp simd
  for (size_t j = 0; j < n; j++) y[j] = y[j] * scale;
}

typedef struct {
  const float *x;
  float *y;
  size_t n;
} Rows;

static void softmax_part(void *ctx, size_t lo, size_t hi) {
  const Rows *a = ctx;
  for (size_t r = lo; r < hi; r++) el_softmax_row(a->x + r * a->n, a->y + r * a->n, a->n);
}

/* Rows split over OpenBLAS's workers (par.c); each row on its own. */
void el_softmax(const float *x, float *y, size_t rows, size_t n) {
  Rows a = {x, y, n};
  el_par_for(rows, 1, el_par_parts(rows * n * 8), softmax_part, &a);
}
