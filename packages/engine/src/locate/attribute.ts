// EAP-IG edge scores (ForGet §4.1.2 eq. 3; Hanna et al. 2024; hannamw/EAP-IG attribute.py
// `get_scores_eap_ig`):
//
//   score(u→v) = (z'_u − z_u) · (1/m) Σ_{k=1..m} ∂L(z' + (k/m)(z − z')) / ∂in_v
//
// z / z' the clean / corrupted input embeddings, z_u / z'_u node u's output (what u adds to the residual
// stream) on the clean / corrupted prompt, in_v the residual stream as read by v, "·" summed over
// positions and d_model (EAP-IG's default `sum` aggregation), and the result averaged over facts.
// Why this is the effect of patching the edge: v's input is a sum of its writers' outputs, in_v = Σ_u z_u,
// so patching only the edge u→v to corrupted changes in_v by (z'_u − z_u) and nothing else; to first order
// the loss moves by (z'_u − z_u)·∂L/∂in_v (Syed et al. 2024), and IG averages that gradient along the
// straight path from the corrupted to the clean embeddings so that zero gradients at the clean point
// (saturation) do not hide an edge. One backward pass per step gives ∂L/∂in_v for every v at once, and the
// score matrix [nSrc, nDst] is one matmul of stacked differences with stacked gradients.
//
// Where the engine reads each quantity (hooks/names.ts):
//   z_u: input → blocks.0.hook_resid_pre (embed + pos embed), head a{l}.h{i} → blocks.l.attn.hook_result[:, :, i]
//        (z_h·W_O[h]; b_O is the same in both runs, so it cancels in z'_u − z_u), MLP m{l} → blocks.l.hook_mlp_out
//   in_v: head a{l}.h{i} → blocks.l.hook_attn_in[:, :, i] (the head's own copy of resid_pre), MLP m{l} →
//        blocks.l.hook_mlp_in (its copy of resid_mid), logits → blocks.{L−1}.hook_resid_post (the final
//        residual before ln_final). Zero probes there (gradsAt) give ∂L/∂in_v with all downstream effects.
// Choices the paper leaves open:
//  - k = 1..m (ForGet eq. 3 and KnowledgeCircuits; hannamw HEAD uses 0..m−1): k = m is the clean point, so
//    m = 1 is plain EAP at the clean run.
//  - Only hook_embed is interpolated: positions line up (corrupt.ts), so the position embeddings of both runs
//    are identical and interpolating their sum equals interpolating the token embeddings.
//  - Left padding (batched facts of different lengths): pad positions are masked out of z'_u − z_u; they are
//    never attended by real tokens, so their gradient is 0 anyway.
import * as tf from '@tensorflow/tfjs';
import { gradsAt, runWithCache } from '../hooks/run';
import { hookName, type HookName } from '../hooks/names';
import type { Transformer } from '../model/transformer';
import { chunks, packLeft } from '../score/pack';
import type { CorruptedFact } from './corrupt';
import { buildGraph, type Graph } from './graph';
import { metricRows, metricSum, type LocateMetric } from './metric';

export interface AttributeOptions {
  /** m, the number of IG steps (≥ 1). */
  readonly steps: number;
  readonly metric: LocateMetric;
  /** Facts per forward/backward batch. */
  readonly batchSize: number;
}

export interface Attribution {
  readonly graph: Graph;
  /** Row-major [nSrc, nDst] EAP-IG scores, mean over facts; cells that are not real edges are 0. */
  readonly scores: Float64Array;
  readonly nFacts: number;
  /** Mean metric L over facts on the clean and on the corrupted prompts. */
  readonly cleanLoss: number;
  readonly corruptLoss: number;
}

/** EAP-IG scores of every real edge of the model's graph over the given clean/corrupted pairs. */
export function attributeEdges(model: Transformer, items: readonly CorruptedFact[], opts: AttributeOptions): Attribution {
  const c = model.config;
  const graph = buildGraph(c.nLayers, c.nHeads);
  const acc = new Float64Array(graph.nSrc * graph.nDst);
  let clean = 0;
  let corrupt = 0;
  for (const chunk of chunks(items, Math.max(1, opts.batchSize))) {
    const r = attributeChunk(model, chunk, opts);
    for (let i = 0; i < acc.length; i++) acc[i]! += r.sums[i]!;
    clean += r.clean;
    corrupt += r.corrupt;
  }
  const n = items.length;
  const real = new Uint8Array(acc.length);
  for (const e of graph.edges) real[e.cell] = 1;
  const scores = acc.map((s, i) => (real[i] ? s / (n * opts.steps) : 0));
  return { graph, scores, nFacts: n, cleanLoss: clean / n, corruptLoss: corrupt / n };
}

/** Sources z_u stacked as [nSrc, B·T·d] (graph source order), for one run's cache. */
function stackSources(get: (n: HookName) => tf.Tensor, nLayers: number, nHeads: number): tf.Tensor2D {
  const rows: tf.Tensor2D[] = [tf.reshape(get(hookName.residPre(0)), [1, -1])];
  for (let l = 0; l < nLayers; l++) {
    const res = get(hookName.result(l)); // [B, T, H, d]
    rows.push(tf.reshape(tf.transpose(res, [2, 0, 1, 3]), [nHeads, -1])); // [H, B·T·d]
    rows.push(tf.reshape(get(hookName.mlpOut(l)), [1, -1]));
  }
  return tf.concat(rows, 0);
}

/** Gradients ∂L/∂in_v stacked as [nDst, B·T·d] (graph destination order). */
function stackDestinations(grads: ReadonlyMap<HookName, tf.Tensor>, nLayers: number, nHeads: number): tf.Tensor2D {
  const rows: tf.Tensor2D[] = [];
  for (let l = 0; l < nLayers; l++) {
    rows.push(tf.reshape(tf.transpose(grads.get(hookName.attnIn(l))!, [2, 0, 1, 3]), [nHeads, -1])); // [H, B·T·d]
    rows.push(tf.reshape(grads.get(hookName.mlpIn(l))!, [1, -1]));
  }
  rows.push(tf.reshape(grads.get(hookName.residPost(nLayers - 1))!, [1, -1]));
  return tf.concat(rows, 0);
}

function attributeChunk(
  model: Transformer,
  items: readonly CorruptedFact[],
  opts: AttributeOptions,
): { sums: Float32Array; clean: number; corrupt: number } {
  const { nLayers: L, nHeads: H } = model.config;
  const { ids: cleanIds, mask } = packLeft(items.map((x) => x.clean), 0); // pad id 0: masked, never read
  const { ids: corrIds, mask: corrMask } = packLeft(items.map((x) => x.corrupted), 0); // same lengths → same mask
  corrMask.dispose();
  const answers = tf.tensor1d(items.map((x) => x.answer), 'int32');
  const corruptAnswers = tf.tensor1d(items.map((x) => x.corruptAnswer), 'int32');
  const [B, T] = cleanIds.shape;
  const sourceNames: HookName[] = [hookName.embed(), hookName.residPre(0)];
  for (let l = 0; l < L; l++) sourceNames.push(hookName.result(l), hookName.mlpOut(l));
  const destNames: HookName[] = [];
  for (let l = 0; l < L; l++) destNames.push(hookName.attnIn(l), hookName.mlpIn(l));
  destNames.push(hookName.residPost(L - 1));

  const disposables: tf.Tensor[] = [cleanIds, mask, corrIds, answers, corruptAnswers];
  try {
    // 1. Corrupted and clean runs: z'_u, z_u and the corrupted embeddings z'.
    const corr = runWithCache(model, corrIds, sourceNames, { attentionMask: mask });
    const cl = runWithCache(model, cleanIds, sourceNames, { attentionMask: mask });
    const ans = items.map((x) => x.answer);
    const cans = items.map((x) => x.corruptAnswer);
    const corruptRows = metricRows(corr.logits, opts.metric, ans, cans);
    const cleanRows = metricRows(cl.logits, opts.metric, ans, cans);
    const corrEmbed = tf.keep(tf.clone(corr.cache.get(hookName.embed())));
    disposables.push(corrEmbed);
    const delta = tf.tidy(() => {
      const m = tf.reshape(tf.cast(mask, 'float32'), [1, B, T, 1]);
      const dz = tf.sub(stackSources((n) => corr.cache.get(n), L, H), stackSources((n) => cl.cache.get(n), L, H));
      const nSrc = dz.shape[0];
      return tf.reshape(tf.mul(tf.reshape(dz, [nSrc, B, T, -1]), m), [nSrc, -1]) as tf.Tensor2D; // [nSrc, B·T·d]
    });
    disposables.push(delta);
    for (const r of [corr, cl]) {
      r.logits.dispose();
      r.cache.dispose();
    }

    // 2. IG: gradients at every destination input along z' + (k/m)(z − z'), k = 1..m, summed.
    let gsum: tf.Tensor2D | undefined;
    for (let k = 1; k <= opts.steps; k++) {
      const alpha = k / opts.steps;
      const interpolate = (z: tf.Tensor): tf.Tensor => tf.add(corrEmbed, tf.mul(tf.sub(z, corrEmbed), alpha));
      const { grads } = gradsAt(model, cleanIds, destNames, (logits) => metricSum(logits, opts.metric, answers, corruptAnswers), {
        attentionMask: mask,
        replace: { [hookName.embed()]: interpolate },
      });
      const g = tf.tidy(() => stackDestinations(grads, L, H));
      for (const t of grads.values()) t.dispose();
      if (gsum) {
        const next = tf.add(gsum, g) as tf.Tensor2D;
        gsum.dispose();
        g.dispose();
        gsum = next;
      } else gsum = g;
    }
    disposables.push(gsum!);

    // 3. Σ_{batch, pos, d} (z'_u − z_u) · Σ_k ∂L/∂in_v for every (u, v) at once: [nSrc, nDst].
    const sums = tf.tidy(() => tf.matMul(delta, gsum!, false, true).dataSync() as Float32Array);
    const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    return { sums, clean: total(cleanRows), corrupt: total(corruptRows) };
  } finally {
    for (const t of disposables) t.dispose();
  }
}
