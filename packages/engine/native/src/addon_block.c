/* N-API wrapper of block.c: blockCached(heap, params), params a Float64Array laid out as BLOCK_* below (mirrored by
 * kernels/block.ts): the dimensions, then byte offsets into the wasm heap (−1: absent), each bounds-checked. */
#include "block.h"
#include "napi_args.h"

enum {
  BLOCK_LLAMA, BLOCK_B, BLOCK_T, BLOCK_P, BLOCK_D, BLOCK_H, BLOCK_HKV, BLOCK_DH, BLOCK_M, BLOCK_MASK_B, BLOCK_EPS, BLOCK_SCALE,
  BLOCK_X, BLOCK_LN1W, BLOCK_LN1B, BLOCK_WQ, BLOCK_BQ, BLOCK_WK, BLOCK_BK, BLOCK_WV, BLOCK_BV, BLOCK_WO, BLOCK_BO,
  BLOCK_LN2W, BLOCK_LN2B, BLOCK_WIN, BLOCK_BIN, BLOCK_WGATE, BLOCK_WOUT, BLOCK_BOUT, BLOCK_PK, BLOCK_PV, BLOCK_MASK,
  BLOCK_COS, BLOCK_SIN, BLOCK_OUT, BLOCK_KA, BLOCK_VA, BLOCK_PARAMS
};

typedef struct {
  const double *v;
  uint8_t *heap;
  size_t len;
  int failed;
} Params;

/* `count` floats at the byte offset params[i]; NULL when absent (optional) or, with an error set, when outside */
static float *at(Params *p, int i, size_t count, int optional) {
  const double off = p->v[i];
  if (p->failed) return NULL;
  if (off < 0 && optional) return NULL;
  if (off < 0 || (size_t)off % 4 != 0 || (size_t)off + count * 4 > p->len) {
    p->failed = 1;
    return NULL;
  }
  return (float *)(p->heap + (size_t)off);
}

static napi_value block_cached(napi_env env, napi_callback_info info) {
  Args a;
  if (!args_init(env, info, &a, 2, "blockCached: expected 2 arguments")) return NULL;
  const double *v = f64_array(&a, 1, BLOCK_PARAMS, NULL, "blockCached: params must be a Float64Array of the block's dimensions and offsets");
  if (!v) return NULL;
  const BlockDims s = {(int)v[BLOCK_LLAMA], (size_t)v[BLOCK_B], (size_t)v[BLOCK_T], (size_t)v[BLOCK_P], (size_t)v[BLOCK_D],
                       (size_t)v[BLOCK_H], (size_t)v[BLOCK_HKV], (size_t)v[BLOCK_DH], (size_t)v[BLOCK_M], (size_t)v[BLOCK_MASK_B],
                       (float)v[BLOCK_EPS], (float)v[BLOCK_SCALE]};
  if (!s.B || !s.T || !s.d || !s.H || !s.Hkv || s.H % s.Hkv || !s.dh || !s.m || (s.mask_b != 1 && s.mask_b != s.B)) {
    napi_throw_range_error(env, CODE, "blockCached: empty shape, H not a multiple of Hkv, or a mask batch other than 1 or B");
    return NULL;
  }
  const size_t N = s.B * s.T, qd = s.H * s.dh, kd = s.Hkv * s.dh, Tk = s.P + s.T;
  Params p = {v, a.heap, a.len, 0};
  const int gpt2 = !s.llama;
  BlockPtrs w = {
      .x = at(&p, BLOCK_X, N * s.d, 0),        .ln1w = at(&p, BLOCK_LN1W, s.d, 0),     .ln1b = at(&p, BLOCK_LN1B, s.d, !gpt2),
      .wq = at(&p, BLOCK_WQ, s.d * qd, 0),     .bq = at(&p, BLOCK_BQ, qd, 1),          .wk = at(&p, BLOCK_WK, s.d * kd, 0),
      .bk = at(&p, BLOCK_BK, kd, 1),           .wv = at(&p, BLOCK_WV, s.d * kd, 0),    .bv = at(&p, BLOCK_BV, kd, 1),
      .wo = at(&p, BLOCK_WO, qd * s.d, 0),     .bo = at(&p, BLOCK_BO, s.d, 1),         .ln2w = at(&p, BLOCK_LN2W, s.d, 0),
      .ln2b = at(&p, BLOCK_LN2B, s.d, !gpt2),  .win = at(&p, BLOCK_WIN, s.d * s.m, 0), .bin = at(&p, BLOCK_BIN, s.m, 1),
      .wgate = at(&p, BLOCK_WGATE, s.d * s.m, gpt2), .wout = at(&p, BLOCK_WOUT, s.m * s.d, 0), .bout = at(&p, BLOCK_BOUT, s.d, 1),
      .pk = s.P ? at(&p, BLOCK_PK, s.B * kd * s.P, 0) : NULL, .pv = s.P ? at(&p, BLOCK_PV, s.B * kd * s.P, 0) : NULL,
      .mask = at(&p, BLOCK_MASK, s.mask_b * s.T * Tk, 0), .cos = at(&p, BLOCK_COS, N * s.dh, gpt2),
      .sin = at(&p, BLOCK_SIN, N * s.dh, gpt2), .out = at(&p, BLOCK_OUT, N * s.d, 0), .ka = at(&p, BLOCK_KA, s.B * kd * Tk, 0),
      .va = at(&p, BLOCK_VA, s.B * kd * Tk, 0)};
  if (!p.failed && s.llama && (!w.cos || !w.sin || !w.wgate)) p.failed = 1;
  if (p.failed) {
    napi_throw_range_error(env, CODE, "blockCached: an operand is missing or outside the wasm heap");
    return NULL;
  }
  if (!el_block_cached(&s, &w)) napi_throw_error(env, CODE, "blockCached: out of memory for its scratch buffers");
  return NULL;
}

void el_block_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {EL_NAPI_FN("blockCached", block_cached)};
  napi_define_properties(env, exports, 1, props);
}
