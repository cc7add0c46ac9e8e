// Fakes of the contract's unlearning side for the runner's tests: a QA dataset of forget requests (with a
// `retain` split), a forget-only method that "unlearns" by pointing the question at a refusal and
// reports the retain set it was given, and a corpus stage that writes a binary artifact.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellRecord, DatasetEntry, ForgetRequest, MethodEntry, MetricEntry, Request } from '../registries';
import type { FakeCounters } from './fakes';

export const qaPrompt = (i: number) => `Question: Where does Subject ${i} live?\nAnswer:`;
const forgetRecord = (i: number, id = String(i)): CellRecord => ({
  id,
  request: { kind: 'forget', question: qaPrompt(i), answer: ` City${i % 7}` },
  data: null,
});

/** Forget requests about subjects 0..n-1; the `retain` split asks about subjects 100.. (never forgotten). */
export const qaDataset: DatasetEntry = {
  id: 'qa-forget',
  version: '1',
  requestKind: 'forget',
  paramsSchema: { type: 'object', properties: { n: { type: 'integer', minimum: 1, default: 4 } } },
  splits: ['retain'],
  async load(params) {
    return Array.from({ length: Number(params['n'] ?? 4) }, (_x, i) => forgetRecord(i));
  },
  async loadSplit(split) {
    if (split !== 'retain') throw new Error(`no split ${split}`);
    return [100, 101, 102].map((i) => forgetRecord(i, `r${i}`));
  },
};

/**
 * A forget-only method ("GA"): points each question at " I don't know"; `layer` must exist in the model's
 * shape; its corpus stage counts the corpus' documents and writes them to a file in its artifact directory.
 */
export function fakeGa(counters: FakeCounters): MethodEntry {
  return {
    id: 'fake-ga',
    version: '1',
    accepts: ['forget'],
    paramsSchema: { type: 'object', properties: { layer: { type: 'integer', minimum: 0, default: 1, description: 'layer (checked against the shape)' } } },
    check: (params, shape) => (Number(params['layer']) < shape.layers ? [] : [{ param: 'layer', message: `layer ${String(params['layer'])} is out of range: this model has layers 0..${shape.layers - 1}` }]),
    stages: [{
      name: 'corpus-stats',
      reads: 'corpus',
      inputs: () => ({ what: 'documents' }),
      async run(_m, _p, ctx, input) {
        counters.prepares++;
        writeFileSync(join(ctx.dir, 'docs.txt'), (input.corpus ?? []).join('\n'));
        return { documents: input.corpus?.length ?? 0 };
      },
    }],
    create(_params, ctx) {
      const stats = ctx.prepared['corpus-stats']!;
      const docs = readFileSync(join(stats.dir, 'docs.txt'), 'utf8').split('\n').length;
      return {
        async apply(m, requests: readonly Request[]) {
          counters.applies++;
          const facts = m.model as Map<string, string>;
          const old = new Map<string, string | undefined>();
          for (const r of requests as readonly ForgetRequest[]) {
            old.set(r.question, facts.get(r.question));
            facts.set(r.question, " I don't know");
          }
          return {
            undo: () => old.forEach((v, k) => (v === undefined ? facts.delete(k) : facts.set(k, v))),
            // Reported as cost so a test can see what the method was given: retain records, corpus documents.
            stats: { wallMs: 1, extraParams: ctx.retain?.length ?? 0, extraBytes: docs },
          };
        },
      };
    },
  };
}

/** 100 when the model no longer gives the answer to forget. */
export const forgotMetric: MetricEntry = {
  id: 'forgot', version: '1', higherIsBetter: true, scale: 100, digits: 2,
  evaluate: async (s, r) => {
    const q = r.request as ForgetRequest;
    return (await s.generate([q.question], { maxNewTokens: 4 }))[0] === q.answer ? 0 : 1;
  },
};
