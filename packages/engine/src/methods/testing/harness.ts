// Helpers for the methods' specs and tuning scripts: load a committed default model, turn fixture records
// into EditRequests, and measure the CounterFact comparisons (MEMIT protocol, docs/definitions.md §1.1: mean
// token NLL of " y" after p; new beats old ⇔ NLL(new) < NLL(true)). Evaluation lives here, never in a method.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint } from '../../checkpoint/index';
import { Transformer } from '../../model/transformer';
import { scoreContinuations } from '../../score/score';
import type { EditModel, EditRequest, MlpLocation, PreparedArtifact } from '../editor';
import { LOCATE_STAGE } from '../common/locate-stage';
import type { CfRecord } from './cf-records';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

export async function loadDefaultModel(name: 'tiny-gpt2' | 'tiny-llama'): Promise<EditModel> {
  const ck = await loadCheckpoint(resolve(REPO_ROOT, 'models', name));
  const transformer = Transformer.fromWeights(ck.config, ck.weights);
  for (const w of ck.weights.values()) w.dispose();
  if (!ck.tokenizer) throw new Error(`models/${name} has no tokenizer`);
  return { transformer, tokenizer: ck.tokenizer };
}

export function toRequest(r: CfRecord): EditRequest {
  return { prompt: r.prompt, subject: r.subject, targetNew: r.targetNew, targetTrue: r.targetTrue, relationId: r.relationId };
}

/** Mean token NLL of each continuation after its prompt. */
export function meanNll(model: EditModel, pairs: ReadonlyArray<{ prompt: string; continuation: string }>): number[] {
  return scoreContinuations(model.transformer, model.tokenizer, pairs).map((t) => -t.reduce((s, x) => s + x.logprob, 0) / t.length);
}

export interface EditScores {
  /** [NLL(new) < NLL(true)] on the rewrite prompt. */
  readonly efficacy: boolean;
  /** Per paraphrase: [NLL(new) < NLL(true)]. */
  readonly generalization: boolean[];
  /** Per neighbourhood prompt: [NLL(true) < NLL(new)]. */
  readonly locality: boolean[];
  readonly nllNew: number;
  readonly nllTrue: number;
}

export function scoreRecord(model: EditModel, r: CfRecord): EditScores {
  const prompts = [r.prompt, ...r.paraphrases, ...r.neighborhood];
  const nll = meanNll(model, prompts.flatMap((p) => [{ prompt: p, continuation: r.targetNew }, { prompt: p, continuation: r.targetTrue }]));
  const wins = prompts.map((_, i) => nll[2 * i]! < nll[2 * i + 1]!);
  const np = r.paraphrases.length;
  return {
    efficacy: wins[0]!,
    generalization: wins.slice(1, 1 + np),
    locality: wins.slice(1 + np).map((w) => !w),
    nllNew: nll[0]!,
    nllTrue: nll[1]!,
  };
}

export interface Fractions {
  efficacy: number;
  generalization: number;
  locality: number;
}

export function fractions(all: readonly EditScores[]): Fractions {
  const mean = (xs: boolean[]): number => xs.filter(Boolean).length / Math.max(xs.length, 1);
  return {
    efficacy: mean(all.map((s) => s.efficacy)),
    generalization: mean(all.flatMap((s) => s.generalization)),
    locality: mean(all.flatMap((s) => s.locality)),
  };
}

/** Every parameter's bytes, for exact-restore checks. */
export function weightBytes(model: EditModel): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [n, v] of model.transformer.params) out.set(n, new Uint8Array((v.dataSync() as Float32Array).slice().buffer));
  return out;
}

export function sameBytes(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): string[] {
  const diff: string[] = [];
  for (const [n, x] of a) {
    const y = b.get(n);
    if (!y || y.length !== x.length || x.some((v, i) => v !== y[i])) diff.push(n);
  }
  return diff;
}

/** ctx.prepared holding a given location, as the locate stage would (no files). */
export function preparedLocation(location: MlpLocation): Record<string, PreparedArtifact> {
  return { [LOCATE_STAGE]: { value: location, dir: '' } };
}

/** ctx.prepared with a fixed location: the same ranking for every relation. */
export function fixedLocation(ranking: readonly number[]): Record<string, PreparedArtifact> {
  return preparedLocation({ byRelation: {}, all: ranking });
}
