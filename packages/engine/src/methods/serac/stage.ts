// SERAC's training stage (Mitchell et al. 2022, §3.1–3.2; EasyEdit trainer/algs/SERAC.py): on the dataset's
// tuning split (never the evaluated records; docs/definitions.md §4), train (1) the scope classifier, and (2)
// the counterfactual model, a copy of the base model fine-tuned to answer an in-scope query with the edit in
// context. The reference's DistilBERT classifier and T5/llama-160m counterfactual model cannot be had offline;
// the stand-ins (docs/memory-editors.md "SERAC") are a scope scorer over the base model's own mean hidden states
// (common/memory/scope.ts) and a copy of the base model itself, trained on the edits and on copies of them with
// substituted targets (common/memory/context.ts targetVariants). Both train through the engine's one loop.
import { hashString, Rng } from '../../model/prng';
import type { Tokenizer } from '../../model/tokenizer';
import { frozenCopy } from '../../train/reference';
import { nll } from '../../train/objective';
import { exampleStream } from '../../train/streams';
import type { EditModel, RewriteRequest, StageInput, TuningRecord } from '../editor';
import { MethodInputError } from '../common/errors';
import { forgetAsRewrite } from '../common/requests';
import { contextExample, editText, targetVariants } from '../common/memory/context';
import { meanHidden, queryIds } from '../common/memory/features';
import { saveTensors, saveTransformer } from '../common/memory/side-weights';
import { tick, trainSliced } from '../common/memory/sliced';
import { pairProbs, trainScope, type ScopePair, type ScopeWeights } from '../common/memory/scope';
import type { ParamsOf } from '../common/params';
import type { SERAC_PROPERTIES } from './serac';

export const SERAC_STAGE = 'serac';
export const SCOPE_FILE = 'scope.safetensors';
export const COUNTERFACTUAL_FILE = 'counterfactual.safetensors';

/** What the stage returns (cached as JSON): sizes, times and the training curves' ends, for ForGet Table 5. */
export interface SeracArtifact {
  readonly records: number;
  readonly seconds: number;
  /** Of which: training the scope classifier (features included), and the counterfactual model. */
  readonly scopeSeconds: number;
  readonly counterfactualSeconds: number;
  readonly scopeParams: number;
  readonly counterfactualParams: number;
  readonly bytes: number;
  readonly scopeLoss: { readonly first: number; readonly last: number };
  readonly counterfactualLoss: { readonly first: number; readonly last: number };
  /** Share of the training pairs the trained scorer classifies right at probability 0.5. */
  readonly scopeTrainAccuracy: number;
}

/** A tuning record as a rewrite with its in-scope queries and out-of-scope prompts. */
export interface ScopedEdit {
  readonly request: RewriteRequest;
  readonly inScope: readonly string[];
  readonly outOfScope: readonly string[];
}

export function scopedEdits(tuning: readonly TuningRecord[] | undefined, method: string): ScopedEdit[] {
  if (!tuning?.length) throw new MethodInputError(`${method} trains on the dataset's tuning split, and none was given (reads: 'tuning')`);
  return tuning.map((t) => {
    const request = t.request.kind === 'forget' ? forgetAsRewrite(t.request) : t.request;
    return { request, inScope: [request.prompt, ...t.paraphrases], outOfScope: t.neighbours.map((n) => n.prompt) };
  });
}

/** Each edit's first `n` same-subject probes (TuningRecord.sameSubject) added to its out-of-scope prompts. */
export function withSubjectNegatives(edits: readonly ScopedEdit[], tuning: readonly TuningRecord[], n: number): readonly ScopedEdit[] {
  if (n === 0) return edits;
  if (!tuning.some((t) => t.sameSubject?.length)) {
    throw new MethodInputError(`serac: scopeSubjectNegatives ${n} needs a tuning split with same-subject probes (the synthetic world's tuning split has them; this one has none)`);
  }
  return edits.map((e, i) => ({ ...e, outOfScope: [...e.outOfScope, ...(tuning[i]!.sameSubject ?? []).slice(0, n).map((q) => q.prompt)] }));
}

/**
 * Scope pairs: each edit with its prompt and paraphrases (in scope), with its neighbourhood prompts and the
 * prompts of `others` random other edits (out of scope). Texts are indexed into one feature table.
 */
export function scopePairs(edits: readonly ScopedEdit[], others: number, seed: number): { texts: string[]; pairs: ScopePair[] } {
  const texts: string[] = [];
  const index = new Map<string, number>();
  const at = (t: string) => {
    let i = index.get(t);
    if (i === undefined) index.set(t, (i = texts.push(t) - 1));
    return i;
  };
  const rng = new Rng(seed);
  const pairs: ScopePair[] = [];
  edits.forEach((e, i) => {
    const edit = at(editText(e.request));
    for (const q of e.inScope) pairs.push({ edit, query: at(q), inScope: true });
    for (const q of e.outOfScope) pairs.push({ edit, query: at(q), inScope: false });
    for (let k = 0; k < others && edits.length > 1; k++) {
      const j = (i + 1 + Math.floor(rng.next() * (edits.length - 1))) % edits.length;
      pairs.push({ edit, query: at(edits[j]!.request.prompt), inScope: false });
    }
  });
  return { texts, pairs };
}

const ends = (xs: readonly number[]) => ({ first: xs[0] ?? NaN, last: xs[xs.length - 1] ?? NaN });

export async function runSeracStage(model: EditModel, p: ParamsOf<typeof SERAC_PROPERTIES>, input: StageInput): Promise<SeracArtifact> {
  const t0 = performance.now();
  const tok: Tokenizer = model.tokenizer;
  const base = model.transformer;
  const edits = scopedEdits(input.tuning, 'serac');

  // (1) The scope classifier on frozen features of the base model.
  const { texts, pairs } = scopePairs(withSubjectNegatives(edits, input.tuning!, p.scopeSubjectNegatives), p.scopeNegatives, hashString('serac-scope-pairs', input.seed));
  const features = meanHidden(base, texts.map((t) => queryIds(tok, t)), tok.padId);
  await tick();
  const scope = await trainScope(features, pairs, { steps: p.scopeSteps, lr: p.scopeLr, batchSize: p.batchSize * 4, seed: hashString('serac-scope', input.seed) });
  const probs = scopeAccuracy(scope.weights, features, pairs);
  const scopeParams = saveTensors(input.dir, SCOPE_FILE, scope.weights);
  for (const t of scope.weights.values()) t.dispose();

  const t1 = performance.now();

  // (2) The counterfactual model: the base model's copy, fine-tuned on in-scope queries with the edit in context.
  const variants = targetVariants(edits.map((e) => e.request), p.substitutions, new Rng(hashString('serac-targets', input.seed)));
  const examples = edits.flatMap((e, i) =>
    variants[i]!.flatMap((t) => e.inScope.map((q) => contextExample(tok, editText({ prompt: e.request.prompt, targetNew: t }), q, t))));
  const cf = frozenCopy(base);
  try {
    const stream = exampleStream(examples, { batchSize: p.batchSize, seed: hashString('serac-counterfactual', input.seed), padId: tok.padId, vocabSize: base.config.vocabSize });
    const { losses } = await trainSliced(cf, { train: stream }, nll('train'), {
      lr: p.lr, steps: p.steps, clipNorm: 1, schedule: { warmupSteps: Math.ceil(p.steps / 20), minLrRatio: 0.1 },
    }, undefined, input.progress);
    const counterfactualParams = saveTransformer(input.dir, COUNTERFACTUAL_FILE, cf);
    return {
      records: edits.length,
      seconds: (performance.now() - t0) / 1000,
      scopeSeconds: (t1 - t0) / 1000,
      counterfactualSeconds: (performance.now() - t1) / 1000,
      scopeParams,
      counterfactualParams,
      bytes: 4 * (scopeParams + counterfactualParams),
      scopeLoss: ends(scope.losses),
      counterfactualLoss: ends(losses),
      scopeTrainAccuracy: probs,
    };
  } finally {
    cf.dispose();
  }
}

/** Share of the pairs the scorer puts on the right side of probability 0.5. */
function scopeAccuracy(weights: ScopeWeights, features: readonly Float32Array[], pairs: readonly ScopePair[]): number {
  const probs = pairProbs(weights, pairs.map((x) => features[x.edit]!), pairs.map((x) => features[x.query]!));
  return probs.filter((prob, i) => (prob > 0.5) === pairs[i]!.inScope).length / Math.max(pairs.length, 1);
}
