/* Arguments of the N-API wrappers (addon.c, addon_attention.c): the wasm heap first, then numbers, where every
 * buffer is a byte offset into the heap, bounds-checked before any kernel runs. */
#ifndef EDITLAB_NAPI_ARGS_H
#define EDITLAB_NAPI_ARGS_H
#include <node_api.h>
#include <stdint.h>

#define MAX_ARGS 20
#define CODE "ENGINE_NATIVE_KERNEL"
/* a property descriptor of one exported function */
#define EL_NAPI_FN(name, f) {name, NULL, f, NULL, NULL, NULL, napi_default, NULL}

typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  uint8_t *heap;
  size_t len;
  int failed;
} Args;

static inline int args_init(napi_env env, napi_callback_info info, Args *a, size_t want, const char *name) {
  a->env = env;
  a->argc = MAX_ARGS;
  a->failed = 0;
  /* napi_get_cb_info fills at most MAX_ARGS values and reports the true count: a wrapper wanting more would read
   * unset slots */
  if (want > MAX_ARGS || napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL) != napi_ok || a->argc != want) {
    napi_throw_error(env, CODE, name);
    return 0;
  }
  bool is_ab = false;
  void *p = NULL;
  napi_is_arraybuffer(env, a->argv[0], &is_ab);
  if (!is_ab || napi_get_arraybuffer_info(env, a->argv[0], &p, &a->len) != napi_ok) {
    napi_throw_type_error(env, CODE, "editlab native: first argument must be the wasm heap ArrayBuffer");
    return 0;
  }
  a->heap = (uint8_t *)p;
  return 1;
}

static inline double num(Args *a, size_t i) {
  double d = 0;
  napi_get_value_double(a->env, a->argv[i], &d);
  return d;
}

static inline size_t sz(Args *a, size_t i) {
  const double d = num(a, i);
  return d > 0 ? (size_t)d : 0;
}

/* Pointer to `count` 4-byte elements at byte offset argv[i]; NULL (and a thrown RangeError) when outside. */
static inline void *ptr(Args *a, size_t i, size_t count) {
  const double off = num(a, i);
  if (a->failed) return NULL;
  if (off < 0 || (size_t)off % 4 != 0 || (size_t)off + count * 4 > a->len) {
    a->failed = 1;
    napi_throw_range_error(a->env, CODE, "editlab native: operand outside the wasm heap");
    return NULL;
  }
  return a->heap + (size_t)off;
}

/* An optional operand: NULL for a negative offset (the caller's "none"), else ptr(). */
static inline void *opt_ptr(Args *a, size_t i, size_t count) {
  return num(a, i) < 0 ? NULL : ptr(a, i, count);
}
/* The Float64Array argv[i] with `want` entries (want 0: any length; the length goes to *len when len is not NULL);
 * NULL, with a TypeError saying `what` thrown, otherwise. */
static inline const double *f64_array(Args *a, size_t i, size_t want, size_t *len, const char *what) {
  bool is_ta = false;
  napi_typedarray_type type;
  size_t n = 0;
  void *data = NULL;
  napi_is_typedarray(a->env, a->argv[i], &is_ta);
  if (!is_ta || napi_get_typedarray_info(a->env, a->argv[i], &type, &n, &data, NULL, NULL) != napi_ok || type != napi_float64_array ||
      (want && n != want)) {
    napi_throw_type_error(a->env, CODE, what);
    a->failed = 1;
    return NULL;
  }
  if (len) *len = n;
  return (const double *)data;
}
#endif
