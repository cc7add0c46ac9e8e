// defineMethod: the one place where what every method shares is done (README "Adding a method").
//   - parameters: resolved against the schema the method's `properties` describe, and typed from them
//     (`p.layer` is a number in edit(), no casts);
//   - requests: the batch check (maxBatch), the request kinds the method accepts, and forget requests
//     turned into rewrites toward the refusal for editing methods (common/requests.ts);
//   - checks against the model's shape (`check`), run by the runner's validate before anything runs and
//     again here, so direct callers get the same error;
//   - snapshot/undo: edit() asks for the parameters it will change (ctx.snapshot) and registers removal
//     of any extra state (ctx.onUndo); undo restores all of it bit-exactly, once (idempotent), and an
//     error inside edit() restores it before rethrowing, so a failed apply leaves the model as it was;
//   - errors: every engine error from the method carries the `<id>: ` prefix.
import { EngineModelError } from '../../model/errors';
import type {
  EditModel, EditResult, MethodContext, MethodDef, ModelShape, ParamProblem, PrepareStage, Request, RequestKind, RequestOf, StageInput,
} from '../editor';
import { requestKind } from '../editor';
import { MethodInputError, MethodParamError } from './errors';
import { objectSchema, resolveParams, type ParamsOf, type Props } from './params';
import { forgetAsRewrite } from './requests';
import { editModelShape } from './shape';
import { takeSnapshot, type Snapshot } from './snapshot';

/** Per-phase losses an edit reports (stats.losses). */
export type Losses = Readonly<Record<string, readonly number[]>>;

/** What edit() gets besides the model, requests and params. */
export interface EditContext extends MethodContext {
  readonly shape: ModelShape;
  /** Copy these parameters now (before changing them); undo and errors write the copies back. */
  snapshot(names: readonly string[]): Snapshot;
  /** Register the removal of extra state (a memory, a hook); run on undo and on error, last first. */
  onUndo(remove: () => void): void;
  /** Extra state the edited model now keeps (docs/definitions.md §3, cost: memory methods' codebooks, side models). */
  keeps(extra: { readonly params?: number; readonly bytes?: number }): void;
}

export interface MethodSpec<P extends Props, K extends RequestKind> {
  readonly id: string;
  readonly version: string;
  readonly description: string;
  /** The hyper-parameters, built with common/params.ts (num, int, bool, oneOf, layerList, group). */
  readonly properties: P;
  /** The request kind edit() works on: 'rewrite' (default; editing methods) or 'forget' (unlearning). */
  readonly edits?: K;
  /**
   * Request kinds apply() takes. Default: a 'rewrite' method takes both (forget requests become
   * rewrites toward the refusal, common/requests.ts); a 'forget' method takes only forget requests.
   */
  readonly accepts?: readonly RequestKind[];
  readonly maxBatch?: number;
  /** Prepare stages whose artifacts edit() reads from ctx.prepared (e.g. common/locate-stage.ts). */
  readonly stages?: readonly PrepareStage<NoInfer<ParamsOf<P>>>[];
  /** Problems of resolved params on a model of this shape (layers it lacks, inconsistent settings). */
  check?(p: NoInfer<ParamsOf<P>>, shape: ModelShape): readonly ParamProblem[];
  /** Change the model for these requests; call ctx.snapshot(names) before changing any parameter. */
  edit(model: EditModel, requests: readonly RequestOf<NoInfer<K>>[], p: NoInfer<ParamsOf<P>>, ctx: EditContext): Losses;
}

/** A MethodDef whose typed params are also reachable (tests, sibling code). */
export interface Method<P extends Props> extends MethodDef {
  readonly properties: P;
  resolve(params: Readonly<Record<string, unknown>>): ParamsOf<P>;
}

function prefixed<E>(id: string, e: E): E {
  if (e instanceof EngineModelError && !e.message.startsWith(`${id}: `)) e.message = `${id}: ${e.message}`;
  return e;
}

/** The first problem as a MethodParamError (what apply() throws). */
function throwProblems(problems: readonly ParamProblem[]): void {
  const first = problems[0];
  if (first) throw new MethodParamError(first.param ? `param '${first.param}': ${first.message}` : first.message);
}

export function defineMethod<P extends Props, K extends RequestKind = 'rewrite'>(spec: MethodSpec<P, K>): Method<P> {
  const edits: RequestKind = spec.edits ?? 'rewrite';
  const accepts = spec.accepts ?? (edits === 'rewrite' ? ['rewrite', 'forget'] : ['forget']);
  const paramsSchema = objectSchema(spec.id, spec.properties);
  const resolve = (params: Readonly<Record<string, unknown>>) => resolveParams({ id: spec.id, paramsSchema }, params) as ParamsOf<P>;
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw prefixed(spec.id, e);
    }
  };
  const toEdited = (requests: readonly Request[]): RequestOf<K>[] =>
    requests.map((r, i) => {
      const kind = requestKind(r);
      if (!accepts.includes(kind)) throw new MethodInputError(`request ${i} is a ${kind} request; this method takes ${accepts.join(', ')} requests`);
      if (kind === edits) return r as RequestOf<K>;
      if (kind === 'forget' && edits === 'rewrite') return forgetAsRewrite(r as RequestOf<'forget'>) as RequestOf<K>;
      throw new MethodInputError(`request ${i}: a ${kind} request cannot be turned into a ${edits} request`);
    });
  const stages: PrepareStage[] = (spec.stages ?? []).map((s) => ({
    name: s.name,
    reads: s.reads,
    inputs: (params) => wrap(() => s.inputs(resolve(params))),
    run: (model, params, input: StageInput) => wrap(() => s.run(model, resolve(params), input)),
  }));

  const def: Method<P> = {
    id: spec.id,
    version: spec.version,
    description: spec.description,
    paramsSchema,
    accepts,
    ...(spec.maxBatch !== undefined ? { maxBatch: spec.maxBatch } : {}),
    stages,
    properties: spec.properties,
    resolve: (params) => wrap(() => resolve(params)),
    check: (params, shape) => wrap(() => spec.check?.(resolve(params), shape) ?? []),
    apply(model, requests, params, ctx) {
      const t0 = performance.now();
      const undos: (() => void)[] = [];
      let extraParams = 0;
      let extraBytes = 0;
      let undone = false;
      const undo = () => {
        if (undone) return;
        undone = true;
        for (const u of undos.reverse()) u();
      };
      let losses: Losses;
      try {
        if (requests.length === 0) throw new MethodInputError('no requests to edit');
        if (spec.maxBatch !== undefined && requests.length > spec.maxBatch) {
          throw new MethodInputError(`${requests.length} requests in one apply(), but this method edits at most ${spec.maxBatch} at a time (maxBatch)`);
        }
        const p = resolve(params);
        const shape = editModelShape(model);
        throwProblems(spec.check?.(p, shape) ?? []);
        const edited = toEdited(requests);
        const ectx: EditContext = {
          ...ctx,
          shape,
          snapshot(names) {
            const snap = takeSnapshot(model.transformer, names);
            undos.push(() => snap.restore());
            return snap;
          },
          onUndo: (remove) => void undos.push(remove),
          keeps(extra) {
            extraParams += extra.params ?? 0;
            extraBytes += extra.bytes ?? 0;
          },
        };
        losses = spec.edit(model, edited, p, ectx);
      } catch (e) {
        undo();
        throw prefixed(spec.id, e);
      }
      // The undo copies are not "extra state the edited model keeps" (docs/definitions.md §3, cost): only ctx.keeps is.
      return { undo, stats: { wallMs: performance.now() - t0, extraParams, extraBytes, losses } };
    },
  };
  return def;
}
