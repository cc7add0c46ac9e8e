/* One transformer block of a pass with a KV cache, forward only (block.c), and its N-API wrapper (addon_block.c). */
#ifndef EDITLAB_BLOCK_H
#define EDITLAB_BLOCK_H
#include <node_api.h>
#include <stddef.h>

typedef struct {
  int llama; /* 0: GPT-2 style (LayerNorm, GELU MLP); 1: Llama style (RMSNorm, RoPE, SwiGLU MLP) */
  size_t B, T, P, d, H, Hkv, dh, m, mask_b;
  float eps, scale;
} BlockDims;

/* Weights and activations; a NULL bias is no bias (the composition's plain matMul). */
typedef struct {
  const float *x, *ln1w, *ln1b, *wq, *bq, *wk, *bk, *wv, *bv, *wo, *bo, *ln2w, *ln2b, *win, *bin, *wgate, *wout, *bout;
  const float *pk, *pv, *mask, *cos, *sin;
  float *out, *ka, *va;
} BlockPtrs;

int el_block_cached(const BlockDims *s, const BlockPtrs *p);
/* Adds blockCached to the addon's exports. */
void el_block_register(napi_env env, napi_value exports);
#endif
