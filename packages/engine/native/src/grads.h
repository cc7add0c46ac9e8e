/* Global-norm clipping's two loops over a list of gradients (grads.c) and their N-API wrappers (addon_grads.c). */
#ifndef EDITLAB_GRADS_H
#define EDITLAB_GRADS_H
#include <node_api.h>
#include <stddef.h>

/* out[t] = Σ_i g_t[i]² for each of `count` tensors: each square one IEEE multiply (the Square kernel), each sum
 * el_sum_row's order (the Sum kernel over all axes), so out[t] is what tf.sum(tf.square(g_t)) gives. 0 when out of
 * memory for the squares. */
int el_sum_squares(const float *const *g, const size_t *n, size_t count, float *out);
/* y_t[i] = x_t[i] · s for each tensor (a Multiply by a float32 scalar). */
void el_scale_all(const float *const *x, float *const *y, const size_t *n, size_t count, float s);
void el_grads_register(napi_env env, napi_value exports);
#endif
