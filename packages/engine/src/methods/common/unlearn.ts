// What the unlearning baselines (ga, gd, kl, idk, dpo, npo) share: their training recipe, their data and
// one run on the engine's training loop (train/loop.ts), full-weight. The losses are train/objective.ts's;
// the recipe and the learning-rate rule are in docs/unlearning.md "Methods".
//
// Recipe (Editing-as-Unlearning App. A: "we adapt the optimal hyperparameters" of PISTOL's unlearning
// code, forget.py / config: batch 4, 20 epochs, warm-up max_steps//10, the HF Trainer's gradient clip 1.0):
//   steps = epochs · ⌈|forget| / batchSize⌉ (or `steps`), warm-up ⌊warmup·steps⌋, cosine decay to 0 (the
//   engine's one schedule; HF's default is linear decay), Adam without weight decay (PISTOL: AdamW 0.01).
// Data: each forget request is (question, answer + EOS), loss on the answer and EOS (TOFU/PISTOL labels:
// prompt tokens −100, EOS appended); the retain set (ctx.retain) the same way, its own stream of the same
// batch size (PISTOL samples one retain item per forget item). Refusals (IDK, DPO) are drawn per example
// and epoch from the requests' refusal pool by a seeded Rng (TOFU data_module.py: torch.randint per item).
//
// Learning rates: the paper's (2e-5 GA/GD/KL, 1.5e-5 for its "DPO" row = IDK; open-unlearning's 1e-5 for
// NPO/DPO) times LR_SCALE, the ratio of the tiny models' pretraining peak lr to Llama-2-7B's
// (docs/unlearning.md "The learning-rate rule").
import { hashString, Rng } from '../../model/prng';
import type { Tokenizer } from '../../model/tokenizer';
import type { Transformer } from '../../model/transformer';
import { checkIds } from '../../score/pack';
import { disposeBatch, encodePairs, makeBatch, type Batch, type TokenExample } from '../../train/batch';
import { sum, type Objective } from '../../train/objective';
import { frozenCopy } from '../../train/reference';
import type { BatchStream } from '../../train/streams';
import { requestKind, type ForgetRequest, type Request } from '../editor';
import { defineMethod, type EditContext, type Losses, type Method } from './define';
import { MethodInputError } from './errors';
import { int, num, type ParamsOf, type Props } from './params';
import { methodPhase } from './phase';
import { DEFAULT_REFUSAL } from './requests';

/** Peak pretraining lr of the default tiny models (docs/default-models.md: 2e-3). */
export const TINY_PRETRAIN_LR = 2e-3;
/** Peak pretraining lr of Llama-2-7B (Touvron et al. 2023, Table 1: 3.0e-4), the paper's main model. */
export const LLAMA2_PRETRAIN_LR = 3e-4;
/** The factor from a 7B recipe's learning rate to the tiny models' (20/3). */
export const LR_SCALE = TINY_PRETRAIN_LR / LLAMA2_PRETRAIN_LR;

/** A 7B recipe's learning rate mapped to the tiny models by LR_SCALE, to 3 significant digits. */
export function scaledLr(paperLr: number): number {
  return Number((paperLr * LR_SCALE).toPrecision(3));
}

/** The recipe every unlearning baseline takes; `paperLr` is the 7B recipe's rate the default maps. */
export function unlearnProperties(paperLr: number, source: string) {
  return {
    lr: num(scaledLr(paperLr), `Adam peak learning rate (${source} ${paperLr} × ${LR_SCALE.toFixed(3)}, the pretraining-lr ratio; docs/unlearning.md)`, { exclusiveMin: 0, max: 1 }),
    epochs: int(20, 'passes over the forget set (PISTOL: 20)', { min: 1, max: 1000 }),
    batchSize: int(4, 'forget examples per step, and retain examples per step (PISTOL: 4)', { min: 1, max: 4096 }),
    steps: int(0, 'optimizer steps; 0 = epochs × ⌈forget requests / batchSize⌉', { min: 0, max: 100000 }),
    warmup: num(0.1, 'fraction of the steps spent in linear warm-up (PISTOL: max_steps // 10)', { min: 0, max: 1 }),
    clipNorm: num(1, 'clip the global gradient norm to this (the HF Trainer default, 1.0; 0 = no clipping)', { min: 0 }),
  };
}

export type UnlearnParams = ParamsOf<ReturnType<typeof unlearnProperties>>;

/** (prompt, target + EOS) token examples, loss on the target and EOS (TOFU/PISTOL labels). */
export function answerExamples(tok: Tokenizer, pairs: readonly { prompt: string; target: string }[]): TokenExample[] {
  return encodePairs(tok, pairs).map((e) => ({ ids: [...e.ids, tok.eosId], lossFrom: e.lossFrom ?? 1 }));
}

/** The knowledge a retain request keeps: a forget-shaped item's (question, answer), a rewrite's (prompt, targetTrue). */
function retainPair(r: Request, i: number): { prompt: string; target: string } {
  if (requestKind(r) === 'forget') {
    const f = r as ForgetRequest;
    return { prompt: f.question, target: f.answer };
  }
  const w = r as Exclude<Request, ForgetRequest>;
  if (!w.targetTrue) throw new MethodInputError(`retain request ${i} ('${w.prompt}') has no targetTrue: a retain set keeps what the model knows, a rewrite without its true target names nothing to keep`);
  return { prompt: w.prompt, target: w.targetTrue };
}

/** The retain set's examples, or a clear error when the spec names none. */
export function retainExamples(tok: Tokenizer, ctx: EditContext, method: string): TokenExample[] {
  if (!ctx.retain?.length) throw new MethodInputError(`${method} trains on a retain set: name one on the dataset item (retain: { split: retain })`);
  return answerExamples(tok, ctx.retain.map(retainPair));
}

/** The refusal pool of a forget set: the requests' `refusals`, else their refusals, else DEFAULT_REFUSAL. */
export function refusalPool(requests: readonly ForgetRequest[]): string[] {
  const pool = new Set<string>();
  for (const r of requests) for (const x of r.refusals ?? []) pool.add(x.startsWith(' ') ? x : ` ${x}`);
  if (pool.size === 0) for (const r of requests) if (r.refusal) pool.add(r.refusal);
  return pool.size ? [...pool] : [DEFAULT_REFUSAL];
}

/**
 * Batches over n items, a fresh seeded order every epoch (the shuffle of train/streams.ts exampleStream:
 * the same seed and n give the same order, so two such streams pair row by row), each item encoded by
 * `draw(i, rng)` when its batch is made (a refusal drawn per item and epoch).
 */
export function drawnStream(
  n: number,
  draw: (i: number, rng: Rng) => TokenExample,
  o: { readonly batchSize: number; readonly seed: number; readonly vocabSize: number },
): BatchStream {
  if (n === 0) throw new MethodInputError('no examples to train on');
  const order = new Rng(o.seed);
  const draws = new Rng(hashString('draw', o.seed));
  const batchSize = Math.min(o.batchSize, n);
  let perm: number[] = [];
  let at = 0;
  let current: Batch | undefined;
  const release = () => {
    if (current) disposeBatch(current);
    current = undefined;
  };
  const all = Array.from({ length: n }, (_x, i) => i);
  return {
    next() {
      release();
      if (at >= perm.length) {
        perm = order.shuffle(all);
        at = 0;
      }
      const examples = perm.slice(at, at + batchSize).map((i) => draw(i, draws));
      checkIds(examples.map((e) => e.ids), o.vocabSize, 'training example');
      current = makeBatch(examples, 0);
      at += batchSize;
      return current;
    },
    dispose: release,
  };
}

/** A stream of fixed examples (the forget answers, the retain set) in drawnStream's order. */
export function fixedExamples(examples: readonly TokenExample[], o: { readonly batchSize: number; readonly seed: number; readonly vocabSize: number }): BatchStream {
  return drawnStream(examples.length, (i) => examples[i]!, o);
}

/** The forget questions paired with a refusal drawn from the pool per item and epoch. */
export function refusalStream(tok: Tokenizer, requests: readonly ForgetRequest[], o: { readonly batchSize: number; readonly seed: number; readonly vocabSize: number }): BatchStream {
  const pool = refusalPool(requests);
  const encoded = new Map<string, TokenExample>();
  return drawnStream(requests.length, (i, rng) => {
    const target = pool[rng.int(pool.length)]!;
    const key = `${i}\u0000${target}`;
    let e = encoded.get(key);
    if (!e) encoded.set(key, (e = answerExamples(tok, [{ prompt: requests[i]!.question, target }])[0]!));
    return e;
  }, o);
}

/** The forget answers' examples (question → answer + EOS). */
export function forgetExamples(tok: Tokenizer, requests: readonly ForgetRequest[]): TokenExample[] {
  return answerExamples(tok, requests.map((r) => ({ prompt: r.question, target: r.answer })));
}

/** Stream options of a method run: the recipe's batch size, a per-stream seed. */
export function streamOptions(model: Transformer, p: UnlearnParams, seed: number, name: string) {
  return { batchSize: p.batchSize, seed: hashString(name, seed), vocabSize: model.config.vocabSize };
}

/**
 * Train every weight on `objective` over `streams` with the recipe; the reference model (KL, NPO, DPO) is
 * a frozen copy of the weights before this call: the model being unlearned (TOFU's finetuned model).
 */
export function runUnlearning(
  method: string,
  model: Transformer,
  streams: Record<string, BatchStream>,
  objective: Objective,
  forgetCount: number,
  p: UnlearnParams,
  ctx: EditContext,
): Losses {
  const names = [...model.params.keys()];
  const steps = p.steps > 0 ? p.steps : p.epochs * Math.ceil(forgetCount / Math.min(p.batchSize, forgetCount));
  ctx.snapshot(names);
  const parts = methodPhase(model, streams, objective, { method, phase: 'unlearn', params: names, steps, lr: p.lr, optimizer: 'adam' }, {
    schedule: { warmupSteps: Math.floor(p.warmup * steps), minLrRatio: 0 },
    ...(p.clipNorm > 0 ? { clipNorm: p.clipNorm } : {}),
    ...(objective.reference?.length ? { snapshotReference: () => frozenCopy(model) } : {}),
  }, undefined);
  return parts;
}

/** The weight α of a retain term: α > 0 adds the term (and needs a retain set), α = 0 leaves it out. */
export function alphaProperty(def: number, what: string, source: string) {
  return num(def, `weight α of the retain term, ${what} (${source}; 0 = none, no retain set needed)`, { min: 0, max: 1000 });
}

/**
 * The retain stream and term of a method with retain weight α (none when α = 0): `objective` reads
 * stream 'retain', built from ctx.retain.
 */
export function retainTerm(
  method: string,
  model: { transformer: Transformer; tokenizer: Tokenizer },
  p: UnlearnParams & { readonly alpha: number },
  ctx: EditContext,
  objective: Objective,
): { streams: Record<string, BatchStream>; terms: Record<string, { objective: Objective; weight: number }> } {
  if (p.alpha === 0) return { streams: {}, terms: {} };
  const examples = retainExamples(model.tokenizer, ctx, method);
  return {
    streams: { retain: fixedExamples(examples, streamOptions(model.transformer, p, ctx.seed, 'retain')) },
    terms: { retain: { objective, weight: p.alpha } },
  };
}

/** What a method trains its forget term on: the answers, refusals drawn from the pool, or both paired (DPO). */
export type ForgetData = 'answers' | 'refusals' | 'refusals-and-answers';

export interface UnlearningSpec<P extends Props> {
  readonly id: string;
  readonly description: string;
  /** unlearnProperties(...) plus the method's own (alpha, beta). */
  readonly properties: P;
  readonly forget: ForgetData;
  /** The forget term, over stream 'forget' (the answers, or the refusals) and, with 'refusals-and-answers', 'chosen' (the refusals). */
  forgetObjective(p: ParamsOf<P>): Objective;
  /** The retain term over stream 'retain', weighted by p.alpha (absent: no retain term). */
  readonly retainObjective?: Objective;
}

/**
 * An unlearning baseline on defineMethod: forget requests only; the forget streams (one order for all of
 * them, a per-method seed), the retain term when α > 0, and the recipe's run (runUnlearning).
 */
export function defineUnlearning<P extends Props>(s: UnlearningSpec<P>): Method<P> {
  return defineMethod({
    id: s.id,
    version: '1',
    description: s.description,
    edits: 'forget',
    properties: s.properties,
    edit(model, requests, params, ctx) {
      const p = params as unknown as UnlearnParams & { readonly alpha?: number };
      const seed = hashString(s.id, ctx.seed);
      // Every forget-side stream takes the same seed, hence the same order: row i of each is one question.
      const o = streamOptions(model.transformer, p, seed, 'forget');
      const streams: Record<string, BatchStream> = s.forget === 'refusals'
        ? { forget: refusalStream(model.tokenizer, requests, o) }
        : { forget: fixedExamples(forgetExamples(model.tokenizer, requests), o) };
      if (s.forget === 'refusals-and-answers') streams['chosen'] = refusalStream(model.tokenizer, requests, o);
      const retain = s.retainObjective ? retainTerm(s.id, model, { ...p, alpha: p.alpha ?? 0 }, { ...ctx, seed }, s.retainObjective) : { streams: {}, terms: {} };
      const objective = sum({ forget: { objective: s.forgetObjective(params) }, ...retain.terms });
      return runUnlearning(s.id, model.transformer, { ...streams, ...retain.streams }, objective, requests.length, p, ctx);
    },
  });
}

/** The inverse temperature β of NPO's and DPO's preference losses (0.1 in TOFU, PISTOL, open-unlearning and NPO's paper). */
export const betaProperty = (source: string) => num(0.1, `inverse temperature β of the preference loss (${source}: 0.1)`, { exclusiveMin: 0, max: 100 });
