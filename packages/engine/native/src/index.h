/* Index kernels (index.c) and their N-API wrappers (addon_index.c): ArgMax over rows and UnsortedSegmentSum. */
#ifndef EDITLAB_INDEX_H
#define EDITLAB_INDEX_H
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* out[r] = the first index of the largest of x[r, 0..n), by tfjs-backend-wasm's ArgMax rule: start at x[r, 0], move only
 * on a strictly greater value (a NaN at 0 wins, any other NaN is passed over; −0 and +0 tie). n ≥ 1. */
void el_argmax_rows(const float *x, size_t rows, size_t n, int32_t *out);
/* out [segments, inner] = Σ over i in order of x[i, :] into row ids[i]; ids outside [0, segments) are skipped (tfjs
 * semantics). One float add per element and row, in i order: the JS kernel's bits (backend/segment-sum.ts). */
void el_segment_sum(const float *x, const int32_t *ids, size_t count, size_t inner, size_t segments, float *out);
/* Adds argMax and segmentSum to the addon's exports. */
void el_index_register(napi_env env, napi_value exports);
#endif
