/* Transpose as a copy of 4-byte elements (float32, int32): x [B, R, C, I] → y [B, C, R, I]. The TypeScript side
 * (backend/native-transpose.ts) reduces a tfjs permutation to this form by merging axes that stay adjacent, so it
 * covers the 2-D transpose (the pre-transposed unembedding of a generation, [V, d] → [d, V]), the head split
 * ([N, H, dh] → [H, N, dh]) and the swap of the two middle axes of [B, T, H, dh]. A copy moves no bits, so the
 * result is the stock kernel's whatever the loop order; tfjs-backend-wasm's own Transpose took 0.8-1.7 ms for
 * [2048, 128] (docs/engine-speed.md "Transpose as a blocked copy"). */
#include <stdint.h>
#include "kernels.h"

#define TILE 16

/* One [R, C] matrix of single elements, in TILE × TILE blocks so both sides stay in cache lines. */
static void transpose_2d(const uint32_t *x, uint32_t *y, size_t R, size_t C) {
  for (size_t r0 = 0; r0 < R; r0 += TILE) {
    const size_t r1 = r0 + TILE < R ? r0 + TILE : R;
    for (size_t c0 = 0; c0 < C; c0 += TILE) {
      const size_t c1 = c0 + TILE < C ? c0 + TILE : C;
      for (size_t c = c0; c < c1; c++)
        for (size_t r = r0; r < r1; r++) y[c * R + r] = x[r * C + c];
    }
  }
}

void el_transpose(const void *xv, void *yv, size_t B, size_t R, size_t C, size_t I) {
  const uint32_t *x = (const uint32_t *)xv;
  uint32_t *y = (uint32_t *)yv;
  const size_t mat = R * C * I;
  for (size_t b = 0; b < B; b++) {
    const uint32_t *xb = x + b * mat;
    uint32_t *yb = y + b * mat;
    if (I == 1) {
      transpose_2d(xb, yb, R, C);
      continue;
    }
    for (size_t r = 0; r < R; r++)
      for (size_t c = 0; c < C; c++) {
        const uint32_t *src = xb + (r * C + c) * I;
        uint32_t *dst = yb + (c * R + r) * I;
        for (size_t i = 0; i < I; i++) dst[i] = src[i];
      }
  }
}
