// Names of the engine's fused kernels: registered on wasm by backend/native-kernels.ts, run by fused.ts.
export const FUSED_KERNELS = {
  gelu: 'EditlabGelu',
  geluKeep: 'EditlabGeluKeep',
  geluGrad: 'EditlabGeluGrad',
  swiglu: 'EditlabSwiglu',
  swigluGrad: 'EditlabSwigluGrad',
  rope: 'EditlabRope',
  ropeGrad: 'EditlabRopeGrad',
  xent: 'EditlabMaskedXent',
  xentGrad: 'EditlabMaskedXentGrad',
  layerNorm: 'EditlabLayerNorm',
  layerNormGrad: 'EditlabLayerNormGrad',
  rmsNorm: 'EditlabRmsNorm',
  rmsNormGrad: 'EditlabRmsNormGrad',
  adam: 'EditlabAdam',
  attention: 'EditlabAttention',
  attentionGrad: 'EditlabAttentionGrad',
  attentionCached: 'EditlabAttentionCached',
  /** A whole block of a pass with a KV cache, forward only (kernels/block.ts). */
  blockCached: 'EditlabBlockCached',
  /** x [N, k] · w [k, m] + bias [m] through OpenBLAS: `_FusedMatMul`'s native path without its rank-3 reshapes (register.ts). */
  linear: 'EditlabLinear',
  /** Σ g² of each of a list of tensors, and a list scaled by one factor: global-norm clipping (kernels/grads.ts). */
  sumSquares: 'EditlabSumSquares',
  scaleAll: 'EditlabScaleAll',
} as const;
