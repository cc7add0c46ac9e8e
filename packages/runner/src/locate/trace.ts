// Causal tracing of a default model (ROME §2.1, Fig. 1; engine locate/causal-trace.ts): for each known fact,
// the (token × layer) grid of indirect effects for each site kind, averaged over facts by token role as ROME's
// average plots do (kmeng01/rome experiments/causal_trace.py / notebooks/average_causal_effects: first subject
// token, middle subject tokens, last subject token, first subsequent token, further tokens, last token; a role
// a fact lacks does not count for it; tokens before the subject have no role). The table is one row per
// kind × role × layer; `peakLayer` is the layer of largest MLP effect at the last subject token, where ROME
// finds the edit site.
import { causalTrace, nextTokenTopK, type CausalTraceResult, type TraceKind } from '@editlab/engine';
import { stringify } from 'csv-stringify/sync';
import type { EngineModel } from '../adapters/engine';
import type { EditRequest } from '../registries';

export const TOKEN_ROLES = [
  'first subject token', 'middle subject tokens', 'last subject token', 'first subsequent token', 'further tokens', 'last token',
] as const;

/** Token indices of each role in a prompt of T tokens whose subject is [s0, s1). */
export function roleTokens(s0: number, s1: number, T: number): number[][] {
  const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_x, i) => a + i);
  return [[s0], range(s0 + 1, s1 - 1), [s1 - 1], s1 < T - 1 ? [s1] : [], range(s1 + 1, T - 1), [T - 1]];
}

export interface TraceRow {
  readonly kind: TraceKind;
  readonly token: string;
  readonly layer: number;
  readonly effect: number;
  readonly facts: number;
}

export interface TraceTable {
  readonly rows: TraceRow[];
  readonly facts: number;
  readonly pClean: number;
  readonly pCorrupted: number;
  /** Layer of the largest mean MLP indirect effect at the last subject token (when 'mlp' was traced). */
  readonly peakLayer?: number;
}

/** Facts the model knows: its top-1 next token after the prompt is the true target's first token. */
export function knownFacts(m: EngineModel, records: readonly EditRequest[], n: number): EditRequest[] {
  const out: EditRequest[] = [];
  for (const r of records) {
    if (out.length >= n) break;
    if (r.targetTrue === undefined) continue;
    const top = nextTokenTopK(m.transformer, m.tokenizer, [r.prompt], 1)[0]![0]!.id;
    if (top === m.tokenizer.encode(r.targetTrue)[0]) out.push(r);
  }
  return out;
}

/** Layers restored around each cell: upstream's window (1 for hidden states, 10 for MLP and attention outputs,
 *  on 48-layer GPT-2 XL) at the same fraction of depth, at least 1 — on a 4-layer model every kind restores one layer. */
export function traceWindow(kind: TraceKind, layers: number): number {
  return kind === 'hidden' ? 1 : Math.max(1, Math.round((10 * layers) / 48));
}

export function traceTable(m: EngineModel, facts: readonly EditRequest[], kinds: readonly TraceKind[], opts: { samples: number; seed: number }, onFact?: (i: number) => void): TraceTable {
  const L = m.transformer.config.nLayers;
  const sums = new Map<string, { s: number; n: number }[]>();
  let pClean = 0;
  let pCorrupted = 0;
  facts.forEach((f, fi) => {
    for (const kind of kinds) {
      const r: CausalTraceResult = causalTrace(m.transformer, m.tokenizer, { prompt: f.prompt, subject: f.subject, target: f.targetTrue! }, { kind, samples: opts.samples, seed: opts.seed + fi, window: traceWindow(kind, L) });
      if (kind === kinds[0]) {
        pClean += r.pClean;
        pCorrupted += r.pCorrupted;
      }
      roleTokens(r.subjectRange[0], r.subjectRange[1], r.tokens.length).forEach((toks, role) => {
        if (!toks.length) return;
        const key = `${kind}\u0000${role}`;
        const acc = sums.get(key) ?? Array.from({ length: L }, () => ({ s: 0, n: 0 }));
        for (let l = 0; l < L; l++) {
          acc[l]!.s += toks.reduce((s, t) => s + r.indirectEffect[t]![l]!, 0) / toks.length;
          acc[l]!.n++;
        }
        sums.set(key, acc);
      });
    }
    onFact?.(fi);
  });
  const rows: TraceRow[] = [];
  for (const kind of kinds) {
    TOKEN_ROLES.forEach((token, role) => {
      const acc = sums.get(`${kind}\u0000${role}`);
      if (acc) acc.forEach((a, layer) => rows.push({ kind, token, layer, effect: a.s / a.n, facts: a.n }));
    });
  }
  const mlpLast = rows.filter((r) => r.kind === 'mlp' && r.token === 'last subject token');
  const peak = mlpLast.reduce<TraceRow | undefined>((b, r) => (!b || r.effect > b.effect ? r : b), undefined);
  return { rows, facts: facts.length, pClean: pClean / Math.max(1, facts.length), pCorrupted: pCorrupted / Math.max(1, facts.length), ...(peak ? { peakLayer: peak.layer } : {}) };
}

/** The table as CSV (effects with 6 decimals; deterministic for a seed). */
export function traceCsv(model: string, t: TraceTable): string {
  return stringify([
    ['model', 'kind', 'token', 'layer', 'effect', 'facts'],
    ...t.rows.map((r) => [model, r.kind, r.token, String(r.layer), r.effect.toFixed(6), String(r.facts)]),
  ]);
}
