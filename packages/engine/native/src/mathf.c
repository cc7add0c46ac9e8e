/* The check behind mathf.h: its functions (tanh, exp) against the C library's, bit for bit, over a range of float bit
 * patterns. Exported to JS as `libmCheck` for the tests (a sample) and bench/libm-exhaustive.ts (all 2^32). */
#include <math.h>
#include <node_api.h>
#include <omp.h>
#include "kernels.h"
#include "mathf.h"
#include "mathf_check.h"

#define CHECK_CHUNK 4096

/* Mismatches of OURS against THEIRS (the C library's) over the patterns start + i·stride (mod 2^32), i < count;
 * the first mismatching pattern's position in that sequence in *first. OpenMP threads over chunks; each chunk
 * goes through a vectorised loop of the kernels' width (EL_WIDE). */
#define CHECK_FN(NAME, OURS, THEIRS)                                                                            \
  EL_WIDE static uint64_t NAME(uint32_t start, uint32_t stride, uint64_t count, uint64_t *first) {                     \
    uint64_t bad = 0, lowest = UINT64_MAX;                                                                       \
    const int64_t chunks = (int64_t)((count + CHECK_CHUNK - 1) / CHECK_CHUNK);                                   \
    _Pragma("omp parallel for reduction(+ : bad) reduction(min : lowest) schedule(dynamic, 16)")                 \
    for (int64_t c = 0; c < chunks; c++) {                                                                       \
      float x[CHECK_CHUNK], ours[CHECK_CHUNK];                                                                   \
      const uint64_t i0 = (uint64_t)c * CHECK_CHUNK;                                                             \
      const int m = (int)(count - i0 < CHECK_CHUNK ? count - i0 : CHECK_CHUNK);                                  \
      for (int i = 0; i < m; i++) x[i] = el_u2f(start + (uint32_t)((i0 + (uint64_t)i) * stride));                \
      _Pragma("omp simd") for (int i = 0; i < m; i++) ours[i] = OURS(x[i]);                                      \
      for (int i = 0; i < m; i++) {                                                                              \
        if (el_f2u(ours[i]) != el_f2u(THEIRS(x[i]))) {                                                           \
          bad++;                                                                                                 \
          if (i0 + (uint64_t)i < lowest) lowest = i0 + (uint64_t)i;                                              \
        }                                                                                                        \
      }                                                                                                          \
    }                                                                                                            \
    *first = lowest;                                                                                             \
    return bad;                                                                                                  \
  }

CHECK_FN(check_tanh, el_tanhf, tanhf)
CHECK_FN(check_exp, el_expf, expf)

/* libmCheck(name, start, stride, count) → [mismatches, first mismatching bit pattern or -1] */
static napi_value libm_check(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], out, v;
  char name[16] = {0};
  double start = 0, stride = 1, count = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4 ||
      napi_get_value_string_utf8(env, argv[0], name, sizeof name, NULL) != napi_ok ||
      napi_get_value_double(env, argv[1], &start) != napi_ok || napi_get_value_double(env, argv[2], &stride) != napi_ok ||
      napi_get_value_double(env, argv[3], &count) != napi_ok || start < 0 || start > 4294967295.0 || stride < 1 ||
      stride > 4294967295.0 || count < 0 || count > 4294967296.0) {
    napi_throw_error(env, "ENGINE_NATIVE_KERNEL", "libmCheck(name, start, stride, count): bad arguments");
    return NULL;
  }
  const int is_tanh = strcmp(name, "tanh") == 0;
  if (!is_tanh && strcmp(name, "exp") != 0) {
    napi_throw_range_error(env, "ENGINE_NATIVE_KERNEL", "libmCheck: unknown function (known: tanh, exp)");
    return NULL;
  }
  uint64_t first = 0;
  const uint64_t bad = (is_tanh ? check_tanh : check_exp)((uint32_t)start, (uint32_t)stride, (uint64_t)count, &first);
  const uint32_t first_bits = bad ? (uint32_t)start + (uint32_t)(first * (uint32_t)stride) : 0;
  napi_create_array_with_length(env, 2, &out);
  napi_create_double(env, (double)bad, &v);
  napi_set_element(env, out, 0, v);
  napi_create_double(env, bad ? (double)first_bits : -1.0, &v);
  napi_set_element(env, out, 1, v);
  return out;
}

void el_mathf_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {{"libmCheck", NULL, libm_check, NULL, NULL, NULL, napi_default, NULL}};
  napi_define_properties(env, exports, 1, props);
}
