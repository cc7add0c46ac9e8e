// Keys and values at the subject's last token (ROME §3.1, eq. 3; MEMIT §4.3, eq. 10):
//  - the key k of layer l = the input of W_out, `blocks.l.mlp.hook_post`, averaged over context templates
//    (ROME compute_u: one flat list of templates; MEMIT compute_ks: averaged within each template group,
//    then across the groups);
//  - the activation of any hook (W_out's output `hook_mlp_out`, the residual `hook_resid_post`) at the
//    plain prompt: ROME's k₀ and W k₀ (compute_v get_module_input_output_at_word), MEMIT's current zs.
import * as tf from '@tensorflow/tfjs';
import { hookName, type HookName } from '../../hooks/names';
import { runWithCache } from '../../hooks/run';
import type { EditModel, RewriteRequest } from '../editor';
import { checkWindow, packRows, subjectRow, type SubjectRow } from './subject-rows';

const ROWS_PER_PASS = 64;

/** Each row's activation at its subject-last token, for each hook (float32, one vector per row). */
export function activationsAt(model: EditModel, rows: readonly SubjectRow[], names: readonly HookName[]): Map<HookName, Float32Array[]> {
  const out = new Map<HookName, Float32Array[]>(names.map((n) => [n, []]));
  for (let s = 0; s < rows.length; s += ROWS_PER_PASS) {
    const chunk = rows.slice(s, s + ROWS_PER_PASS);
    const ids = packRows(chunk, model.tokenizer.padId);
    const T = ids.shape[1];
    const { logits, cache } = runWithCache(model.transformer, ids, names);
    try {
      for (const n of names) {
        const a = cache.get(n);
        const width = a.shape[2]!;
        const data = a.dataSync() as Float32Array;
        chunk.forEach((r, b) => out.get(n)!.push(data.slice((b * T + r.subjectLast) * width, (b * T + r.subjectLast + 1) * width)));
      }
    } finally {
      tf.dispose([ids, logits]);
      cache.dispose();
    }
  }
  return out;
}

/** Rows of the plain prompts (template "{}"), checked against the window. */
export function promptRows(model: EditModel, requests: readonly RewriteRequest[]): SubjectRow[] {
  const rows = requests.map((r) => subjectRow(model.tokenizer, '{}', r.prompt, r.subject));
  checkWindow(model, rows, (i) => `request ${i}: prompt ${JSON.stringify(requests[i]!.prompt)}`);
  return rows;
}

/** One vector per request: the hook's activation at the subject's last token of the plain prompt (float64). */
export function promptActivations(model: EditModel, requests: readonly RewriteRequest[], name: HookName): Float64Array[] {
  return activationsAt(model, promptRows(model, requests), [name]).get(name)!.map((v) => Float64Array.from(v));
}

/**
 * k per request and layer: the mean over each template group of the W_out input at the subject's last
 * token, then the mean over groups. Returns layer → one Float64Array (dMlp) per request.
 */
export function subjectKeys(
  model: EditModel,
  requests: readonly RewriteRequest[],
  layers: readonly number[],
  groups: readonly (readonly string[])[],
): Map<number, Float64Array[]> {
  const flat = groups.flat();
  const rows = requests.flatMap((r) => flat.map((t) => subjectRow(model.tokenizer, t, r.prompt, r.subject)));
  checkWindow(model, rows, (i) => `request ${Math.floor(i / flat.length)}: prompt with context template ${JSON.stringify(flat[i % flat.length])}`);
  const names = layers.map((l) => hookName.mlpPost(l));
  const acts = activationsAt(model, rows, names);
  const m = model.transformer.config.dMlp;
  const out = new Map<number, Float64Array[]>();
  layers.forEach((l, li) => {
    const a = acts.get(names[li]!)!;
    out.set(l, requests.map((_r, ri) => {
      const k = new Float64Array(m);
      let row = ri * flat.length;
      for (const g of groups) {
        const mean = new Float64Array(m);
        for (let t = 0; t < g.length; t++, row++) {
          const v = a[row]!;
          for (let i = 0; i < m; i++) mean[i]! += v[i]!;
        }
        for (let i = 0; i < m; i++) k[i]! += mean[i]! / g.length / groups.length;
      }
      return k;
    }));
  });
  return out;
}
