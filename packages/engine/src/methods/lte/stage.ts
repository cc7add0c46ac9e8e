// LTE's alignment phase (Jiang et al. 2024, "Learning to Edit", §3.1; YJiangcm/LTE create_train_data.ipynb and
// FastChat/ft_train.sh), on the dataset's tuning split (docs/definitions.md §4): fine-tune (a copy of) the model
// to apply an edit descriptor given in context, and to ignore it when it does not apply. Paired records:
//   - in scope: the edit's prompt (30%) or a paraphrase (70%) with the facts → the new answer; its twin without
//     facts → the old answer;
//   - out of scope: a neighbourhood prompt → its own answer, with the facts and without them;
//   - facts: the edit alone (p 0.5) or with one distractor, another edit of the split (p 0.5). The reference
//     mixes 0/1/2 distractors 50/25/25; two do not fit the default models' 64-token window with the query.
// Plus `substitutions` copies of each edit with another target of its relation, with the facts → that target
// (common/memory/context.ts targetVariants: copying, not memorising the split). Full fine-tuning, answer-only loss, cosine schedule with 3% warm-up, `epochs` over the pairs (reference: 3).
// The reference's chat template shrinks to fixed markers (LTE_TEMPLATE), the same in training and at inference.
// Retrieval keys (the reference's frozen mpnet bi-encoder) are the base model's own mean hidden states,
// centred on the split's mean and L2-normalised (docs/memory-editors.md "LTE"); the centre is stored here.
import * as tf from '@tensorflow/tfjs';
import { hashString, Rng } from '../../model/prng';
import type { Tokenizer } from '../../model/tokenizer';
import type { TokenExample } from '../../train/batch';
import { trainSliced } from '../common/memory/sliced';
import { nll } from '../../train/objective';
import { frozenCopy } from '../../train/reference';
import { epochSteps, exampleStream } from '../../train/streams';
import type { EditModel, StageInput } from '../editor';
import { editText, targetVariants } from '../common/memory/context';
import { meanHidden, queryIds, withoutBos } from '../common/memory/features';
import { saveTensors, saveTransformer } from '../common/memory/side-weights';
import type { ParamsOf } from '../common/params';
import { scopedEdits } from '../serac/stage';
import type { LTE_PROPERTIES } from './lte';

export const LTE_STAGE = 'align';
export const ALIGNED_FILE = 'aligned.safetensors';
export const CENTRE_FILE = 'retriever-centre.safetensors';

/** The in-context template, shrunk to markers (reference: "[Updated Information]:\n{facts}\n\n[Question]:\n{q}"). */
export function lteContext(facts: readonly string[]): string {
  return `[Updated Information] ${facts.length === 1 ? facts[0]! : facts.map((f, i) => `${i + 1}. ${f}`).join(' ')}\n[Query]`;
}

/** Ids of the template with these facts, then the query (its BOS moved first). */
export function lteIds(tok: Tokenizer, facts: readonly string[], query: readonly number[]): number[] {
  return [...queryIds(tok, lteContext(facts)), ...withoutBos(tok, tok.encode(' ')), ...withoutBos(tok, query)];
}

export interface LteArtifact {
  readonly records: number;
  readonly examples: number;
  readonly steps: number;
  readonly seconds: number;
  readonly alignedParams: number;
  readonly bytes: number;
  readonly loss: { readonly first: number; readonly last: number };
}

function example(tok: Tokenizer, facts: readonly string[] | undefined, query: string, answer: string): TokenExample {
  const q = queryIds(tok, query);
  const prompt = facts ? lteIds(tok, facts, q) : q;
  return { ids: [...prompt, ...tok.encode(answer)], lossFrom: prompt.length };
}

export async function runLteStage(model: EditModel, p: ParamsOf<typeof LTE_PROPERTIES>, input: StageInput): Promise<LteArtifact> {
  const t0 = performance.now();
  const tok = model.tokenizer;
  const base = model.transformer;
  const edits = scopedEdits(input.tuning, 'lte');
  const neighbours = (input.tuning ?? []).map((t) => t.neighbours);
  const rng = new Rng(hashString('lte-data', input.seed));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  const examples: TokenExample[] = [];
  const variants = targetVariants(edits.map((e) => e.request), p.substitutions, new Rng(hashString('lte-targets', input.seed)));
  edits.forEach((e, i) => {
    for (const t of variants[i]!.slice(1)) {
      const q = pick(e.inScope);
      examples.push(example(tok, [editText({ prompt: e.request.prompt, targetNew: t })], q, t));
    }
    const r = e.request;
    const facts = [editText(r)];
    if (rng.next() >= 0.5 && edits.length > 1) {
      const j = (i + 1 + Math.floor(rng.next() * (edits.length - 1))) % edits.length;
      facts.splice(rng.next() < 0.5 ? 0 : 1, 0, editText(edits[j]!.request));
    }
    const paraphrases = e.inScope.slice(1);
    const q = paraphrases.length && rng.next() >= 0.3 ? pick(paraphrases) : r.prompt;
    examples.push(example(tok, facts, q, r.targetNew));
    if (r.targetTrue !== undefined) examples.push(example(tok, undefined, q, r.targetTrue));
    for (const n of neighbours[i]!.slice(0, p.neighbours)) {
      examples.push(example(tok, facts, n.prompt, n.target), example(tok, undefined, n.prompt, n.target));
    }
  });
  const fits = examples.filter((x) => x.ids.length <= base.config.maxSeq);
  const steps = Math.max(1, Math.ceil(epochSteps(fits.length, p.batchSize, p.epochs)));
  const aligned = frozenCopy(base);
  try {
    const stream = exampleStream(fits, { batchSize: p.batchSize, seed: hashString('lte-align', input.seed), padId: tok.padId, vocabSize: base.config.vocabSize });
    const { losses } = await trainSliced(aligned, { train: stream }, nll('train'), {
      lr: p.lr, steps, clipNorm: 1, schedule: { warmupSteps: Math.ceil(0.03 * steps), minLrRatio: 0 },
    }, undefined, input.progress);
    const alignedParams = saveTransformer(input.dir, ALIGNED_FILE, aligned);
    // the retriever's centre: the mean feature of the split's edit prompts and queries
    const feats = meanHidden(base, edits.flatMap((e) => e.inScope).map((t) => queryIds(tok, t)), tok.padId);
    const centre = new Float32Array(feats[0]!.length);
    for (const f of feats) f.forEach((x, k) => (centre[k]! += x / feats.length));
    const c = tf.tensor1d(centre);
    saveTensors(input.dir, CENTRE_FILE, new Map([['centre', c]]));
    c.dispose();
    return {
      records: edits.length, examples: fits.length, steps, seconds: (performance.now() - t0) / 1000,
      alignedParams, bytes: 4 * alignedParams, loss: { first: losses[0] ?? NaN, last: losses[losses.length - 1] ?? NaN },
    };
  } finally {
    aligned.dispose();
  }
}
