/* N-API wrappers of index.c: argMax(heap, xOff, outOff, rows, n) and
 * segmentSum(heap, xOff, idsOff, outOff, count, inner, segments); offsets in bytes, bounds-checked (napi_args.h). */
#include "index.h"
#include "napi_args.h"

static napi_value arg_max(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 5, "argMax: expected 5 arguments")) return NULL;
  const size_t rows = sz(&a, 3), n = sz(&a, 4);
  if (n == 0 && rows > 0) {
    napi_throw_range_error(env, CODE, "argMax: rows of length 0");
    return NULL;
  }
  const float *x = ptr(&a, 1, rows * n);
  int32_t *out = ptr(&a, 2, rows);
  if (a.failed) return NULL;
  el_argmax_rows(x, rows, n, out);
  return NULL;
}

static napi_value segment_sum(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 7, "segmentSum: expected 7 arguments")) return NULL;
  const size_t count = sz(&a, 4), inner = sz(&a, 5), segments = sz(&a, 6);
  const float *x = ptr(&a, 1, count * inner);
  const int32_t *ids = ptr(&a, 2, count);
  float *out = ptr(&a, 3, segments * inner);
  if (a.failed) return NULL;
  el_segment_sum(x, ids, count, inner, segments, out);
  return NULL;
}

void el_index_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {EL_NAPI_FN("argMax", arg_max), EL_NAPI_FN("segmentSum", segment_sum)};
  napi_define_properties(env, exports, 2, props);
}
