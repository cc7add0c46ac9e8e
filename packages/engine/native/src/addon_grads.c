/* N-API wrappers of grads.c: sumSquares(heap, offsets, sizes, outOff) and scaleAll(heap, xOffsets, yOffsets, sizes, s),
 * offsets and sizes Float64Arrays (byte offsets into the wasm heap, element counts), each operand bounds-checked. */
#include <stdlib.h>
#include "grads.h"
#include "napi_args.h"

static const char F64_LISTS[] = "editlab native: expected a Float64Array of offsets or sizes of matching length";

/* pointers to the tensors at offs[t] with sizes[t] floats, inside the heap; NULL (error thrown) otherwise */
static float **pointers(Args *a, const double *offs, const double *sizes, size_t count) {
  float **p = malloc((count ? count : 1) * sizeof(float *));
  if (!p) {
    napi_throw_error(a->env, CODE, "editlab native: out of memory");
    return NULL;
  }
  for (size_t t = 0; t < count; t++) {
    const double off = offs[t], n = sizes[t];
    if (!(off >= 0) || !(n >= 0) || (size_t)off % 4 != 0 || (size_t)off + (size_t)n * 4 > a->len) {
      napi_throw_range_error(a->env, CODE, "editlab native: operand outside the wasm heap");
      free(p);
      return NULL;
    }
    p[t] = (float *)(a->heap + (size_t)off);
  }
  return p;
}

/* The tensor lists of a call: pointers x (and y) and their element counts n; all NULL with an error thrown when an
 * operand is outside the heap or memory runs out. */
typedef struct {
  float **x, **y;
  size_t *n;
} Lists;

static void lists_free(Lists *l) {
  free(l->x);
  free(l->y);
  free(l->n);
}

static int lists(Args *a, const double *xo, const double *yo, const double *sizes, size_t count, Lists *l) {
  l->x = pointers(a, xo, sizes, count);
  l->y = l->x && yo ? pointers(a, yo, sizes, count) : NULL;
  l->n = l->x && (l->y || !yo) ? malloc((count ? count : 1) * sizeof(size_t)) : NULL;
  if (l->x && (l->y || !yo) && !l->n) napi_throw_error(a->env, CODE, "editlab native: out of memory");
  if (!l->n) {
    lists_free(l);
    return 0;
  }
  for (size_t t = 0; t < count; t++) l->n[t] = (size_t)sizes[t];
  return 1;
}

static napi_value sum_squares(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 4, "sumSquares: expected 4 arguments")) return NULL;
  size_t count = 0;
  const double *offs = f64_array(&a, 1, 0, &count, F64_LISTS);
  const double *sizes = offs ? f64_array(&a, 2, count, NULL, F64_LISTS) : NULL;
  float *out = sizes ? ptr(&a, 3, count) : NULL;
  Lists l;
  if (!out || !lists(&a, offs, NULL, sizes, count, &l)) return NULL;
  if (!el_sum_squares((const float *const *)l.x, l.n, count, out)) napi_throw_error(env, CODE, "sumSquares: out of memory");
  lists_free(&l);
  return NULL;
}

static napi_value scale_all(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 5, "scaleAll: expected 5 arguments")) return NULL;
  size_t count = 0;
  const double *xo = f64_array(&a, 1, 0, &count, F64_LISTS);
  const double *yo = xo ? f64_array(&a, 2, count, NULL, F64_LISTS) : NULL;
  const double *sizes = yo ? f64_array(&a, 3, count, NULL, F64_LISTS) : NULL;
  Lists l;
  if (!sizes || !lists(&a, xo, yo, sizes, count, &l)) return NULL;
  el_scale_all((const float *const *)l.x, l.y, l.n, count, (float)num(&a, 4));
  lists_free(&l);
  return NULL;
}

void el_grads_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {EL_NAPI_FN("sumSquares", sum_squares), EL_NAPI_FN("scaleAll", scale_all)};
  napi_define_properties(env, exports, 2, props);
}
