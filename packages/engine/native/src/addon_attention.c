/* N-API wrappers of attention.c: offsets into the wasm heap, as in addon.c. */
#include "attention.h"
#include "napi_args.h"

/* attention(heap, qOff, kOff, vOff, maskOff, B, T, H, Hkv, dh, maskB, scale, zOff, pOff): q, z [B, T, H, dh], k, v
 * [B, T, Hkv, dh] (H a multiple of Hkv), mask [maskB, 1, T, T] (maskB 1 or B), P [B, H, T, T] */
static napi_value attention(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 14, "attention: expected 14 arguments")) return NULL;
  const size_t B = sz(&a, 5), T = sz(&a, 6), H = sz(&a, 7), Hkv = sz(&a, 8), dh = sz(&a, 9), mb = sz(&a, 10);
  const size_t x = B * T * H * dh, xkv = B * T * Hkv * dh, tt = T * T;
  if (!B || !T || !H || !Hkv || H % Hkv || !dh || (mb != 1 && mb != B)) {
    napi_throw_range_error(env, CODE, "attention: empty shape, H not a multiple of Hkv, or a mask batch other than 1 or B");
    return NULL;
  }
  const float *q = ptr(&a, 1, x), *k = ptr(&a, 2, xkv), *v = ptr(&a, 3, xkv), *mask = ptr(&a, 4, mb * tt);
  float *z = ptr(&a, 12, x), *p = ptr(&a, 13, B * H * tt);
  if (a.failed) return NULL;
  if (!el_attention(q, k, v, mask, B, T, H, Hkv, dh, mb, (float)num(&a, 11), z, p))
    napi_throw_error(env, CODE, "attention: out of memory for its scratch buffers");
  return NULL;
}

/* attentionGrad(heap, qOff, kOff, vOff, pOff, dzOff, B, T, H, Hkv, dh, scale, dqOff, dkOff, dvOff) */
static napi_value attention_grad(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 15, "attentionGrad: expected 15 arguments")) return NULL;
  const size_t B = sz(&a, 6), T = sz(&a, 7), H = sz(&a, 8), Hkv = sz(&a, 9), dh = sz(&a, 10);
  const size_t x = B * T * H * dh, xkv = B * T * Hkv * dh;
  if (!B || !T || !H || !Hkv || H % Hkv || !dh) {
    napi_throw_range_error(env, CODE, "attentionGrad: empty shape or H not a multiple of Hkv");
    return NULL;
  }
  const float *q = ptr(&a, 1, x), *k = ptr(&a, 2, xkv), *v = ptr(&a, 3, xkv), *p = ptr(&a, 4, B * H * T * T);
  const float *dz = ptr(&a, 5, x);
  float *dq = ptr(&a, 12, x), *dk = ptr(&a, 13, xkv), *dv = ptr(&a, 14, xkv);
  if (a.failed) return NULL;
  if (!el_attention_grad(q, k, v, p, dz, B, T, H, Hkv, dh, (float)num(&a, 11), dq, dk, dv))
    napi_throw_error(env, CODE, "attentionGrad: out of memory for its scratch buffers");
  return NULL;
}

void el_attention_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {EL_NAPI_FN("attention", attention), EL_NAPI_FN("attentionGrad", attention_grad)};
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
