// engine/methods: the ForGet family and its fine-tuning baselines behind the one MethodDef contract.
export type { EditRequest, EditResult, Undo, EditModel, MlpLocation, MethodContext, ParamsSchema, MethodDef } from './editor';
export { METHODS, methodById } from './registry';
export { defaultParams, resolveParams } from './common/params';
export { MethodParamError, MethodInputError, MethodDivergedError, UnknownMethodError } from './common/errors';
export { mlpParamNames } from './common/mlp';
export type { MlpMatrices } from './common/mlp';
export { ft } from './ft/ft';
export { ftC } from './ft-c/ft-c';
export { forget } from './forget/forget';
export { editableParams, forgetPhase, learnPhase } from './forget/phases';
export { checkForgetWeaker } from './forget/params';
export { forgetU } from './forget-u/forget-u';
export { forgetPa } from './forget-pa/forget-pa';
export { fLearning } from './f-learning/f-learning';
export { arithmeticForget } from './common/arithmetic';
