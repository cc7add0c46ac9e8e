/* ArgMax and UnsortedSegmentSum (index.h), the two index kernels of a decode step and of an embedding's gradient.
 * docs/engine-speed.md "Clipping in two calls; ArgMax and the segment sum". */
#include <math.h>
#include <string.h>
#include "index.h"

/* Two passes, both vectorised: the largest non-NaN value, then the first index holding a value equal to it. That is
 * the running rule's index: it moves only on a strictly greater value, so it stops at the first element equal (==, so
 * −0 and +0 alike) to the largest, and a NaN never wins unless it is at index 0, where every comparison fails. */
static float row_max(const float *row, size_t n) {
  float m = -INFINITY;
#pragma omp simd reduction(max : m)
  for (size_t j = 0; j < n; j++) m = row[j] > m ? row[j] : m;
  return m;
}

void el_argmax_rows(const float *x, size_t rows, size_t n, int32_t *out) {
  for (size_t r = 0; r < rows; r++) {
    const float *row = x + r * n;
    size_t at = 0;
    if (row[0] == row[0]) { /* not NaN */
      const float m = row_max(row, n);
      while (at < n && !(row[at] == m)) at++;
      if (at == n) at = 0; /* unreachable: row[0] is a candidate, so the largest is attained */
    }
    out[r] = (int32_t)at;
  }
}

void el_segment_sum(const float *x, const int32_t *ids, size_t count, size_t inner, size_t segments, float *out) {
  memset(out, 0, segments * inner * sizeof(float));
  for (size_t i = 0; i < count; i++) {
    const int32_t s = ids[i];
    if (s < 0 || (size_t)s >= segments) continue;
    const float *src = x + i * inner;
    float *dst = out + (size_t)s * inner;
    for (size_t j = 0; j < inner; j++) dst[j] += src[j];
  }
}
