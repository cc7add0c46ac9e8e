export { initBackend, backendInfo } from './backend/index';
export type { BackendInfo } from './backend/index';
export { BackendError, WasmHeapError, NativeKernelError } from './backend/errors';
export { registerWasmKernels } from './backend/register';
export type { MatMulPath, WasmKernelOptions, WasmKernelInfo } from './backend/register';
export { DEFAULT_WASM_HEAP_LIMIT, wasmHeapBytes } from './backend/heap-guard';
export { gelu, swiglu, layerNorm, rmsNorm, maskedCrossEntropy, rope } from './kernels/ops';
export { adam, FusedAdamOptimizer } from './kernels/adam';
// Model story: transformer, hooks (train, generate, score below).
export { headDim, kvHeads, paramShapes, paramCount } from './model/config';
export type { ModelConfig, Architecture } from './model/config';
export { Transformer } from './model/transformer';
export type { ForwardOptions, KVCache } from './model/transformer';
export type { Tokenizer } from './model/tokenizer';
export { CharTokenizer } from './model/char-tokenizer';
export { Rng, hashString } from './model/prng';
export { EngineModelError, UnknownHookError, UnknownParamError, ShapeMismatchError, ModelConfigError, SequenceTooLongError } from './model/errors';
export type { PatchFn } from './hooks/patches';
export { hookName, listHookNames, checkHookName, hookShape } from './hooks/names';
export type { HookName, BlockHookSuffix } from './hooks/names';
export type { HookContext } from './hooks/context';
export { ActivationCache, runWithCache, runWithHooks, gradsAt } from './hooks/run';
export type { HookFn, RunOptions } from './hooks/run';
export { encodePairs, encodeTexts, makeBatch, disposeBatch } from './train/batch';
export type { TokenExample, TextPair, Batch } from './train/batch';
export { nextTokenNll } from './train/loss';
export { lrAt } from './train/schedule';
export type { LrSchedule } from './train/schedule';
export { train, clampToInitial } from './train/loop';
export type { TrainOptions, TrainResult, StepInfo, Projection } from './train/loop';
export { scoreContinuations, nextTokenTopK } from './score/score';
export type { ContinuationRequest, TokenLogprob, ScoreOptions } from './score/score';
export { generate, generateIds } from './generate/generate';
export type { GenerateIdsOptions, GenerateTextOptions } from './generate/generate';
// Checkpoints (HF layout, safetensors) and the byte-level BPE tokenizer.
export { saveCheckpoint, loadCheckpoint } from './checkpoint/index';
export type { SaveCheckpointInput, LoadedCheckpoint, LoadCheckpointOptions, CheckpointSource } from './checkpoint/index';
export { CheckpointError, CheckpointErrorCode } from './checkpoint/errors';
export { readSafetensors, writeSafetensors, parseSafetensors, serializeSafetensors } from './checkpoint/safetensors';
export type { RawTensor, SafetensorsFile } from './checkpoint/safetensors';
export { BpeTokenizer, trainBpe, loadTokenizer, TokenizerError, TokenizerErrorCode } from './tokenizer/index';
export type { AddedToken, SerializableTokenizer, PreTokenization, TrainBpeOptions } from './tokenizer/index';
// Editing methods (one folder each behind MethodDef) and EAP-IG locating.
export * from './methods/index';
export * from './locate/index';
// Float64 linear algebra (LAPACK through the native addon, ml-matrix as the fallback), key statistics of the MLP
// keys (ROME/MEMIT's C = E[k kᵀ]) and causal tracing (ROME §2).
export { solve, cholesky, inverse, eigh, gramAccumulate, mirrorUpper, mat, linalgPath, LinalgError } from './linalg/index';
export type { Mat, LinalgPath, LinalgOptions, SolveOptions, LinalgErrorCode } from './linalg/index';
export * from './stats/index';
export { causalTrace, embeddingStd, subjectTokenRange, CausalTraceError, CAUSAL_TRACE_DEFAULTS } from './locate/causal-trace';
export type { TraceKind, TraceFact, CausalTraceOptions, CausalTraceResult } from './locate/causal-trace';
