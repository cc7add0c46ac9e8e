// The target value of a locate-then-edit method: v* (ROME §3.1 eq. 4, upstream rome/compute_v.py) or z (MEMIT
// §4.2 eq. 16, memit/compute_z.py) — a vector δ added to one hook's activation at the subject's last token
// (ROME: the MLP output `hook_mlp_out` of the edited layer; MEMIT: the residual `hook_resid_post` of the last
// edited layer), optimised so that the model says the new target after the prompt in every context template:
//   L(δ) = mean over templates of NLL(target | template ⟨prompt⟩)          (per-token mean, as upstream)
//        + kl_factor · KL(P_δ(· | "{subject} is a") ‖ P(· | "{subject} is a")) at the subject's last token
//          (the "essence" term, eq. 4; upstream kl_div(init, current, log_target) = KL(current ‖ init))
//        + v_weight_decay · ‖δ‖ / ‖v₀‖²                                      (upstream's form, not ‖δ‖²)
// with Adam (lr v_lr, β = (0.9, 0.999), ε = 1e-8, as torch.optim.Adam), at most v_num_grad_steps iterations
// of which the last only measures the loss (upstream breaks before the step), stopping once L < 5e-2, and
// after every step δ projected onto ‖δ‖ ≤ clamp_norm_factor · ‖v₀‖. Returns v* = v₀ + δ, v₀ being the
// activation at the plain prompt (upstream target_init: the first template is "{}").
//
// A batch of requests is optimised at once: each request has its own δ row, its rows of text only see that
// row, and the loss is the sum of the requests' losses, so every row's gradient (and Adam's per-coordinate
// state) is exactly that of optimising the request alone; a request whose loss is below 5e-2 stops (its row is
// frozen), as upstream's per-request loop would.
import * as tf from '@tensorflow/tfjs';
import { hookName, type HookName } from '../../hooks/names';
import { runWithCache, runWithHooks } from '../../hooks/run';
import type { EditModel, RewriteRequest } from '../editor';
import { MethodDivergedError } from './errors';
import { checkWindow, packRows, subjectMask, subjectRow, type SubjectRow } from './subject-rows';

export interface ValueOptions {
  readonly steps: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly clampNormFactor: number;
  readonly klFactor: number;
}

/** Upstream's early stop: the loss below which a request's optimisation ends. */
export const VALUE_LOSS_STOP = 5e-2;
const KL_PROMPT = '{} is a';

export interface TargetValues {
  /** v* per request (float64). */
  readonly values: Float64Array[];
  /** v₀ per request. */
  readonly initial: Float64Array[];
  /** Summed loss over the requests at each iteration. */
  readonly losses: number[];
}

interface Layout {
  readonly rows: SubjectRow[];
  /** Request of each row. */
  readonly owner: number[];
  /** Target positions (flat row·T + position, predicting the token at position + 1), their token ids, and
   *  [P, n] weights 1/(|y|·templates) toward their request: the per-token mean, then the mean over templates. */
  readonly targetAt: number[];
  readonly targetId: number[];
  readonly targetWeight: Float32Array;
  /** Flat position of each request's KL row's subject token. */
  readonly klAt: number[];
  readonly T: number;
}

function layout(model: EditModel, requests: readonly RewriteRequest[], templates: readonly string[]): Layout {
  const tok = model.tokenizer;
  const n = requests.length;
  const rows: SubjectRow[] = [];
  const owner: number[] = [];
  const targets: { row: number; pos: number; id: number; w: number; j: number }[] = [];
  const klRow: number[] = [];
  requests.forEach((r, j) => {
    const y = tok.encode(r.targetNew);
    for (const t of templates) {
      const row = subjectRow(tok, t, r.prompt, r.subject, y.slice(0, -1));
      y.forEach((id, i) => targets.push({ row: rows.length, pos: row.promptLength - 1 + i, id, w: 1 / (y.length * templates.length), j }));
      rows.push(row);
      owner.push(j);
    }
    klRow.push(rows.length);
    rows.push(subjectRow(tok, KL_PROMPT, r.subject, r.subject));
    owner.push(j);
  });
  checkWindow(model, rows, (i) => `request ${owner[i]}: the text ${JSON.stringify(tok.decode([...rows[i]!.ids]))}`);
  const T = Math.max(...rows.map((r) => r.ids.length));
  const targetWeight = new Float32Array(targets.length * n);
  targets.forEach((t, i) => (targetWeight[i * n + t.j] = t.w));
  return {
    rows, owner, T, targetWeight,
    targetAt: targets.map((t) => t.row * T + t.pos),
    targetId: targets.map((t) => t.id),
    klAt: klRow.map((r) => r * T + rows[r]!.subjectLast),
  };
}

/** Optimise one δ per request at `site` (see the header); the model is not changed. */
export function targetValues(model: EditModel, requests: readonly RewriteRequest[], templates: readonly string[], site: HookName, o: ValueOptions, method: string): TargetValues {
  const lay = layout(model, requests, templates);
  const n = requests.length;
  const R = lay.rows.length;
  const { T } = lay;
  const V = model.transformer.config.vocabSize;
  const ids = packRows(lay.rows, model.tokenizer.padId);
  const mask = subjectMask(lay.rows, T);
  const ownerIdx = tf.tensor1d(lay.owner, 'int32');
  const klIdx = tf.tensor1d(lay.klAt, 'int32');
  const tAt = tf.tensor1d(lay.targetAt, 'int32');
  const tHot = tf.tidy(() => tf.oneHot(tf.tensor1d(lay.targetId, 'int32'), V).asType('float32')); // [P, V]
  const tW = tf.tensor2d(lay.targetWeight, [lay.targetAt.length, n]); // [P, n]
  // v₀ (site activation at the plain prompt's subject token: the first template row of each request) and the
  // initial log-distribution on the KL rows.
  const init = runWithCache(model.transformer, ids, [site]);
  const firstRows = requests.map((_r, j) => lay.owner.indexOf(j));
  const v0 = tf.tidy(() => {
    const a = init.cache.get(site); // [R, T, d]
    const d = a.shape[2]!;
    return tf.gather(a.reshape([R * T, d]), firstRows.map((r) => r * T + lay.rows[r]!.subjectLast)); // [n, d]
  });
  const logpInit = tf.tidy(() => tf.logSoftmax(tf.gather(init.logits.reshape([R * T, V]), klIdx))); // [n, V]
  tf.dispose(init.logits);
  init.cache.dispose();
  const v0Norm = tf.tidy(() => tf.norm(v0, 'euclidean', 1)); // [n]
  const d = model.transformer.config.dModel;
  let delta = tf.zeros([n, d]);
  let m1 = tf.zeros([n, d]);
  let m2 = tf.zeros([n, d]);
  const active = new Float32Array(n).fill(1);
  const losses: number[] = [];
  const b1 = 0.9;
  const b2 = 0.999;
  try {
    for (let it = 0; it < o.steps; it++) {
      let perRequest: Float32Array = new Float32Array(n);
      const grad = tf.tidy(() => {
        const f = (dl: tf.Tensor): tf.Scalar => {
          const shift = tf.mul(tf.gather(dl, ownerIdx).expandDims(1), mask); // [R, T, d]: δ of the row's request at its subject token
          const logits = runWithHooks(model.transformer, ids, { [site]: (x) => tf.add(x, shift) });
          const flat = logits.reshape([R * T, V]);
          const picked = tf.sum(tf.mul(tf.logSoftmax(tf.gather(flat, tAt)), tHot), 1); // [P]: log p(target token)
          const nll = tf.neg(tf.matMul(picked.expandDims(0), tW)).reshape([n]); // [n]
          const lpKl = tf.logSoftmax(tf.gather(flat, klIdx)); // [n, V]
          const kl = tf.sum(tf.mul(tf.exp(lpKl), tf.sub(lpKl, logpInit)), 1); // KL(P_δ ‖ P_init)
          // ‖δ‖ with a zero gradient at δ = 0 (as torch.norm's), not tfjs's NaN.
          const wd = tf.div(tf.sqrt(tf.add(tf.sum(tf.square(dl), 1), 1e-30)), tf.square(v0Norm));
          const each = tf.addN([nll, tf.mul(kl, o.klFactor), tf.mul(wd, o.weightDecay)]);
          perRequest = each.dataSync() as Float32Array;
          return tf.sum(tf.mul(each, tf.tensor1d(active))) as tf.Scalar;
        };
        const { value, grad: g } = tf.valueAndGrad(f)(delta);
        value.dispose();
        return g;
      });
      const total = perRequest.reduce((s, x) => s + x, 0);
      losses.push(total);
      if (!Number.isFinite(total)) {
        grad.dispose();
        throw new MethodDivergedError(method, 'value', it, total);
      }
      perRequest.forEach((l, j) => {
        if (l < VALUE_LOSS_STOP) active[j] = 0;
      });
      if (it === o.steps - 1 || active.every((a) => a === 0)) {
        grad.dispose();
        break;
      }
      const t = it + 1;
      const next = tf.tidy(() => {
        const on = tf.tensor2d(active, [n, 1]);
        const g = tf.mul(grad, on);
        const nm1 = tf.add(tf.mul(m1, tf.sub(1, tf.mul(on, 1 - b1))), tf.mul(g, 1 - b1));
        const nm2 = tf.add(tf.mul(m2, tf.sub(1, tf.mul(on, 1 - b2))), tf.mul(tf.square(g), 1 - b2));
        const step = tf.div(tf.div(nm1, 1 - b1 ** t), tf.add(tf.sqrt(tf.div(nm2, 1 - b2 ** t)), 1e-8));
        const moved = tf.sub(delta, tf.mul(tf.mul(step, o.lr), on));
        // Project each row onto ‖δ‖ ≤ clamp_norm_factor·‖v₀‖.
        const maxNorm = tf.mul(v0Norm, o.clampNormFactor).expandDims(1);
        const norm = tf.norm(moved, 'euclidean', 1).expandDims(1);
        const scale = tf.minimum(1, tf.div(maxNorm, tf.maximum(norm, 1e-30)));
        return { delta: tf.mul(moved, scale), m1: nm1, m2: nm2 };
      });
      grad.dispose();
      tf.dispose([delta, m1, m2]);
      ({ delta, m1, m2 } = next);
    }
    const dData = delta.dataSync() as Float32Array;
    const vData = v0.dataSync() as Float32Array;
    const values = requests.map((_r, j) => Float64Array.from({ length: d }, (_x, i) => vData[j * d + i]! + dData[j * d + i]!));
    const initial = requests.map((_r, j) => Float64Array.from(vData.subarray(j * d, (j + 1) * d)));
    return { values, initial, losses };
  } finally {
    tf.dispose([ids, mask, ownerIdx, klIdx, tAt, tHot, tW, v0, logpInit, v0Norm, delta, m1, m2]);
  }
}

/** ROME's site: the MLP output of the edited layer; MEMIT's: the residual after its last edited layer. */
export const valueSite = { rome: (l: number): HookName => hookName.mlpOut(l), memit: (l: number): HookName => hookName.residPost(l) };
