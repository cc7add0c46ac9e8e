/* ArgMax and UnsortedSegmentSum (index.h), the two index kernels of a decode step and of an embedding's gradient.
 * docs/engine-speed.md "Index kernels". Plain loops: both are memory-bound and small next to the products. */
#include <string.h>
#include "index.h"

void el_argmax_rows(const float *x, size_t rows, size_t n, int32_t *out) {
  for (size_t r = 0; r < rows; r++) {
    const float *row = x + r * n;
    float best = row[0];
    size_t at = 0;
    for (size_t j = 1; j < n; j++) {
      if (row[j] > best) {
        best = row[j];
        at = j;
      }
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
