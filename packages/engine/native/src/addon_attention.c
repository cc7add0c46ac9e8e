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

/* attentionCached(heap, qOff, kOff, vOff, pkOff, pvOff, maskOff, B, T, P, H, Hkv, dh, maskB, scale, zOff, kaOff, vaOff):
 * q, z [B, T, H, dh], k, v [B, T, Hkv, dh], pk, pv [B, Hkv, P, dh] (offsets ignored when P = 0), mask [maskB, 1, T, P + T],
 * ka, va [B, Hkv, P + T, dh] */
static napi_value attention_cached(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 18, "attentionCached: expected 18 arguments")) return NULL;
  const size_t B = sz(&a, 7), T = sz(&a, 8), P = sz(&a, 9), H = sz(&a, 10), Hkv = sz(&a, 11), dh = sz(&a, 12), mb = sz(&a, 13);
  const size_t Tk = P + T, x = B * T * H * dh, xkv = B * T * Hkv * dh, past = B * Hkv * P * dh, all = B * Hkv * Tk * dh;
  if (!B || !T || !H || !Hkv || H % Hkv || !dh || (mb != 1 && mb != B)) {
    napi_throw_range_error(env, CODE, "attentionCached: empty shape, H not a multiple of Hkv, or a mask batch other than 1 or B");
    return NULL;
  }
  const float *q = ptr(&a, 1, x), *k = ptr(&a, 2, xkv), *v = ptr(&a, 3, xkv);
  const float *pk = P ? ptr(&a, 4, past) : NULL, *pv = P ? ptr(&a, 5, past) : NULL, *mask = ptr(&a, 6, mb * T * Tk);
  float *z = ptr(&a, 15, x), *ka = ptr(&a, 16, all), *va = ptr(&a, 17, all);
  if (a.failed) return NULL;
  if (!el_attention_cached(q, k, v, pk, pv, mask, B, T, P, H, Hkv, dh, mb, (float)num(&a, 14), z, ka, va))
    napi_throw_error(env, CODE, "attentionCached: out of memory for its scratch buffers");
  return NULL;
}

void el_attention_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {EL_NAPI_FN("attention", attention), EL_NAPI_FN("attentionGrad", attention_grad),
                                      EL_NAPI_FN("attentionCached", attention_cached)};
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
