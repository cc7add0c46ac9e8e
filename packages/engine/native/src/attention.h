/* Attention in one kernel each way (attention.c) and its N-API wrappers (addon_attention.c). */
#ifndef EDITLAB_ATTENTION_H
#define EDITLAB_ATTENTION_H
#include <node_api.h>
#include <stddef.h>
int el_attention(const float *q, const float *k, const float *v, const float *mask, size_t B, size_t T, size_t H,
                 size_t Hkv, size_t dh, size_t mask_b, float scale, float *z, float *p);
int el_attention_grad(const float *q, const float *k, const float *v, const float *p, const float *dz, size_t B,
                      size_t T, size_t H, size_t Hkv, size_t dh, float scale, float *dq, float *dk, float *dv);
int el_attention_cached(const float *q, const float *k, const float *v, const float *pk, const float *pv,
                        const float *mask, size_t B, size_t T, size_t P, size_t H, size_t Hkv, size_t dh, size_t mask_b,
                        float scale, float *z, float *ka, float *va);
/* Adds attention, attentionGrad and attentionCached to the addon's exports. */
void el_attention_register(napi_env env, napi_value exports);
#endif
