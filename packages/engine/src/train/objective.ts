// Training objectives: what one step minimises, given the model and the step's batches by stream name
// (and, for objectives that compare with a frozen reference model, its outputs on those batches).
// The loop (loop.ts) differentiates `loss` with respect to the trained parameters and logs `parts`.
//   nll            L = NLL(stream)                                   (fine-tuning; ForGet's learn phase, eq. 6–7)
//   ascent         L = −NLL(stream)                                  (gradient ascent: ForGet's forget phase, eq. 4–5; GA)
//   gradDiff       L = NLL(descend) − α·NLL(ascend)                  (ForGet-u, §7; GD of the unlearning literature)
//   npo            L = −(2/β)·mean log σ(−β·(log π_θ(y) − log π_ref(y)))   (Zhang et al. 2024, eq. 3)
//   dpo            L = −(2/β)·mean log σ(β·[(log π_θ(y_w) − log π_ref(y_w)) − (log π_θ(y_l) − log π_ref(y_l))])
//                                                                    (Rafailov et al. 2023, eq. 7, open-unlearning's 2/β scale)
//   klToReference  L = Σ_i m_i Σ_v π_ref(v|x_<i)·(log π_ref − log π_θ)(v|x_<i) / Σ_i m_i   (KL(π_ref ‖ π_θ) on target positions)
//   sum            L = Σ_k w_k · L_k (e.g. npo on forget + nll on retain), parts prefixed by each term's name
import * as tf from '@tensorflow/tfjs';
import type { Batch } from './batch';
import { logSoftmaxOf, nextTokenNll, sequenceLogProbs, type LanguageModel } from './loss';
import type { ReferenceOutputs } from './reference';

export interface ObjectiveInput<M> {
  readonly model: M;
  /** This step's batch of every stream the objective reads. */
  readonly batches: Readonly<Record<string, Batch>>;
  /** The frozen reference model's outputs on the streams listed in Objective.reference. */
  readonly reference: Readonly<Record<string, ReferenceOutputs>>;
}

export interface ObjectiveValue {
  /** The scalar the optimizer minimises. */
  readonly loss: tf.Scalar;
  /** Named terms to log per step (e.g. nll, forget, retain); read after the step. */
  readonly parts?: Readonly<Record<string, tf.Scalar>>;
}

export interface Objective<M extends LanguageModel = LanguageModel> {
  /** Streams read each step. */
  readonly streams: readonly string[];
  /** Streams whose frozen-reference outputs the objective needs (KL, NPO, DPO). */
  readonly reference?: readonly string[];
  /** Called inside the gradient tape. */
  compute(input: ObjectiveInput<M>): ObjectiveValue;
}

/** Descent on the next-token NLL of one stream; logs `nll`. */
export function nll(stream = 'train'): Objective {
  return {
    streams: [stream],
    compute: ({ model, batches }) => {
      const l = nextTokenNll(model, batches[stream]!);
      return { loss: l, parts: { nll: l } };
    },
  };
}

/** Gradient ascent on the next-token NLL of one stream (loss −NLL); logs `nll`. */
export function ascent(stream = 'train'): Objective {
  return {
    streams: [stream],
    compute: ({ model, batches }) => {
      const l = nextTokenNll(model, batches[stream]!);
      return { loss: tf.neg(l), parts: { nll: l } };
    },
  };
}

/** L = NLL(descend) − α·NLL(ascend); logs both NLLs under the streams' names. The ascended NLL is computed first. */
export function gradDiff(o: { readonly ascend: string; readonly descend: string; readonly alpha: number }): Objective {
  return {
    streams: [o.ascend, o.descend],
    compute: ({ model, batches }) => {
      const la = nextTokenNll(model, batches[o.ascend]!);
      const ld = nextTokenNll(model, batches[o.descend]!);
      return { loss: tf.sub(ld, tf.mul(la, o.alpha)), parts: { [o.ascend]: la, [o.descend]: ld } };
    },
  };
}

/**
 * log σ(z) = −softplus(−z), from kernels with registered gradients: tf.logSigmoid's custom gradient failed
 * here under the loop's variableGrads on the wasm backend (it reached a disposed tensor).
 */
function logSigmoid(z: tf.Tensor): tf.Tensor {
  return tf.neg(tf.softplus(tf.neg(z)));
}

/** log π_θ(y | x) − log π_ref(y | x) per row of a stream's batch. */
function logRatio(model: LanguageModel, batch: Batch, ref: ReferenceOutputs): tf.Tensor1D {
  return tf.sub(sequenceLogProbs(logSoftmaxOf(model, batch), batch), ref.sequenceLogProbs);
}

/** Negative preference optimisation on a forget stream (β default 0.1, open-unlearning's NPO default). */
export function npo(o: { readonly stream: string; readonly beta?: number }): Objective {
  const beta = o.beta ?? 0.1;
  return {
    streams: [o.stream],
    reference: [o.stream],
    compute: ({ model, batches, reference }) => {
      const r = logRatio(model, batches[o.stream]!, reference[o.stream]!);
      return { loss: tf.mul(tf.mean(logSigmoid(tf.mul(r, -beta))), -2 / beta) as tf.Scalar };
    },
  };
}

/** DPO with `chosen` (y_w) preferred to `rejected` (y_l), rows paired by index (β default 0.1). */
export function dpo(o: { readonly chosen: string; readonly rejected: string; readonly beta?: number }): Objective {
  const beta = o.beta ?? 0.1;
  return {
    streams: [o.chosen, o.rejected],
    reference: [o.chosen, o.rejected],
    compute: ({ model, batches, reference }) => {
      const w = logRatio(model, batches[o.chosen]!, reference[o.chosen]!);
      const l = logRatio(model, batches[o.rejected]!, reference[o.rejected]!);
      return { loss: tf.mul(tf.mean(logSigmoid(tf.mul(tf.sub(w, l), beta))), -2 / beta) as tf.Scalar };
    },
  };
}

/** KL(π_ref ‖ π_θ) averaged over a stream's target positions (a retain-set regulariser). */
export function klToReference(stream: string): Objective {
  return {
    streams: [stream],
    reference: [stream],
    compute: ({ model, batches, reference }) => {
      const b = batches[stream]!;
      const ref = reference[stream]!.logProbs;
      const [B, T] = ref.shape;
      const perPos = tf.sum(tf.mul(tf.exp(ref), tf.sub(ref, logSoftmaxOf(model, b))), -1); // [B, T]
      const mask = tf.reshape(b.mask, [B, T]);
      return { loss: tf.div(tf.sum(tf.mul(perPos, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar };
    },
  };
}

/** Σ_k w_k · L_k over named terms; logs each term's loss as `<name>` and its parts as `<name>.<part>`. */
export function sum(terms: Readonly<Record<string, { readonly objective: Objective; readonly weight?: number }>>): Objective {
  const entries = Object.entries(terms);
  const uniq = (xs: readonly string[]): string[] => [...new Set(xs)];
  return {
    streams: uniq(entries.flatMap(([, t]) => t.objective.streams)),
    reference: uniq(entries.flatMap(([, t]) => t.objective.reference ?? [])),
    compute: (input) => {
      const parts: Record<string, tf.Scalar> = {};
      let total: tf.Scalar | undefined;
      for (const [name, t] of entries) {
        const v = t.objective.compute(input);
        parts[name] = v.loss;
        for (const [k, p] of Object.entries(v.parts ?? {})) parts[`${name}.${k}`] = p;
        const term = t.weight === undefined || t.weight === 1 ? v.loss : (tf.mul(v.loss, t.weight) as tf.Scalar);
        total = total ? (tf.add(total, term) as tf.Scalar) : term;
      }
      return { loss: total!, parts };
    },
  };
}
