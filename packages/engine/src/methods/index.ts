// engine/methods: the method contract (editor.ts, common/define.ts) and the ForGet family and its
// fine-tuning baselines written on it.
export type {
  EditRequest, RewriteRequest, ForgetRequest, Request, RequestKind, RequestOf, EditResult, Undo, EditModel, ModelShape, MlpLocation,
  MethodContext, PreparedArtifact, PrepareStage, StageInput, StageReads, TuningRecord, ParamProblem, ParamsSchema, MethodDef,
} from './editor';
export { requestKind } from './editor';
export { defineMethod } from './common/define';
export type { EditContext, Losses, Method, MethodSpec } from './common/define';
export { METHODS, methodById } from './registry';
export { defaultParams, resolveParams, num, int, optInt, bool, oneOf, layerList, group } from './common/params';
export type { ParamsOf, PropSchema, Props } from './common/params';
export { DEFAULT_SOURCES, modelFamily, ruleDefaults, ruleValue, sourced } from './common/defaults';
export type { DefaultOrigin, DefaultRule, DefaultSource, RuleValue } from './common/defaults';
export { DEFAULT_REFUSAL, forgetAsRewrite, subjectOf } from './common/requests';
export { modelShape, editModelShape, layerProblems } from './common/shape';
export { romeLayer, memitLayers } from './common/layer-rule';
export { takeSnapshot } from './common/snapshot';
export type { Snapshot } from './common/snapshot';
export { LOCATE_STAGE, LOCATE_PROPERTIES, locateStage, locationOf, factsByRelation, overallRanking } from './common/locate-stage';
export type { LocateOutput, LocatedRelation, LocateParams } from './common/locate-stage';
export { MethodParamError, MethodInputError, MethodDivergedError, UnknownMethodError } from './common/errors';
export { mlpParamNames } from './common/mlp';
export type { MlpMatrices } from './common/mlp';
export { ft } from './ft/ft';
export { ftC } from './ft-c/ft-c';
export { forget } from './forget/forget';
export { editableParams, forgetPhase, learnPhase } from './common/forget-phases';
export { forgetWeakerProblems } from './common/forget-params';
export { forgetU } from './forget-u/forget-u';
export { forgetPa } from './forget-pa/forget-pa';
export { fLearning } from './f-learning/f-learning';
export { arithmeticForget } from './common/arithmetic';
export { serac } from './serac/serac';
export { lte } from './lte/lte';
export { recipe } from './recipe/recipe';
export { memoryOf } from './common/memory/memory';
export { runPhase, targetExamples } from './common/phase';
export { grace, graceCodebook, GRACE_PROPERTIES } from './grace/grace';
export { wise, wiseAdaptor, WISE_PROPERTIES, WISE_LOC_STAGE } from './wise/wise';
export { tiesMerge } from './wise/ties';
export { ga } from './ga/ga';
export { gd } from './gd/gd';
export { kl } from './kl/kl';
export { idk } from './idk/idk';
export { dpo } from './dpo/dpo';
export { npo } from './npo/npo';
export { LR_SCALE, scaledLr, refusalPool } from './common/unlearn';
