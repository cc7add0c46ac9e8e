/* N-API surface of the editlab native kernels. Every buffer argument is a byte offset into one
 * ArrayBuffer (the wasm heap, `wasm.HEAPU8.buffer`), so a call allocates nothing on the JS side.
 * N-API is ABI-stable: the built addon survives Node upgrades. */
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include "sgemm.h"

#define CHECK(call)                                                          \
  do {                                                                       \
    if ((call) != napi_ok) {                                                 \
      napi_throw_error(env, "ENGINE_NATIVE_KERNEL", "editlab native: " #call); \
      return NULL;                                                           \
    }                                                                        \
  } while (0)

static int get_heap(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is_ab = false;
  napi_is_arraybuffer(env, v, &is_ab);
  if (!is_ab) return 0;
  void *p = NULL;
  if (napi_get_arraybuffer_info(env, v, &p, len) != napi_ok) return 0;
  *data = (uint8_t *)p;
  return 1;
}

static double num(napi_env env, napi_value v) {
  double d = 0;
  napi_get_value_double(env, v, &d);
  return d;
}

/* sgemmBatched(heap, transA, transB, m, n, k, batch, aOff, strideA, bOff, strideB, cOff, strideC)
 * offsets in bytes, strides in elements. */
static napi_value sgemm_batched(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 13) {
    napi_throw_error(env, "ENGINE_NATIVE_KERNEL", "sgemmBatched: expected 13 arguments");
    return NULL;
  }
  uint8_t *heap;
  size_t len;
  if (!get_heap(env, argv[0], &heap, &len)) {
    napi_throw_type_error(env, "ENGINE_NATIVE_KERNEL", "sgemmBatched: heap must be an ArrayBuffer");
    return NULL;
  }
  bool ta = false, tb = false;
  napi_get_value_bool(env, argv[1], &ta);
  napi_get_value_bool(env, argv[2], &tb);
  const int m = (int)num(env, argv[3]), n = (int)num(env, argv[4]), k = (int)num(env, argv[5]);
  const int batch = (int)num(env, argv[6]);
  const size_t a_off = (size_t)num(env, argv[7]), sa = (size_t)num(env, argv[8]);
  const size_t b_off = (size_t)num(env, argv[9]), sb = (size_t)num(env, argv[10]);
  const size_t c_off = (size_t)num(env, argv[11]), sc = (size_t)num(env, argv[12]);
  /* Bounds: the last batch's operand must end inside the heap. */
  const size_t a_end = a_off + 4 * ((batch - 1) * sa + (size_t)m * k);
  const size_t b_end = b_off + 4 * ((batch - 1) * sb + (size_t)k * n);
  const size_t c_end = c_off + 4 * ((batch - 1) * sc + (size_t)m * n);
  if (m <= 0 || n <= 0 || k <= 0 || batch <= 0 || a_end > len || b_end > len || c_end > len || (a_off | b_off | c_off) % 4) {
    napi_throw_range_error(env, "ENGINE_NATIVE_KERNEL", "sgemmBatched: operand outside the heap or bad size");
    return NULL;
  }
  el_sgemm_batched(ta, tb, m, n, k, batch, (const float *)(heap + a_off), sa, (const float *)(heap + b_off), sb,
                   (float *)(heap + c_off), sc);
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  el_set_threads((int)num(env, argv[0]));
  return NULL;
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  napi_value out;
  CHECK(napi_create_int32(env, el_get_threads(), &out));
  return out;
}

static napi_value blas_config(napi_env env, napi_callback_info info) {
  napi_value out;
  const char *c = el_blas_config();
  CHECK(napi_create_string_utf8(env, c, strlen(c), &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"sgemmBatched", NULL, sgemm_batched, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"getThreads", NULL, get_threads, NULL, NULL, NULL, napi_default, NULL},
      {"blasConfig", NULL, blas_config, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
