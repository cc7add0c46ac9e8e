// A fake model over the world's TOFU items for the unlearning tests: it answers every question it has
// an answer for (prob 0.5, rank 1; anything else 0.01, rank 200), and a forget-only method that points
// questions at their refusal (`refuse`), does nothing, or wipes every answer (`wipe`).
import { buildWorld, qaPrompt, renderTofu } from '@editlab/datasets';
import { DEFAULT_WORLD } from '../pretrain/presets';
import { byId, type LoadedModel, type MethodEntry, type MetricEntry, type ModelEntry, type Registries, type Scorer } from '../registries';
import { worldTofuEntry } from '../adapters/unlearn-datasets';
import { UNLEARN_METRICS } from '../adapters/unlearn-metrics';

/** Answers prompts from a table (one token each); generates the table's answer or " unknown". */
export class QaScorer implements Scorer {
  constructor(readonly facts: Map<string, string>) {}
  async score(reqs: readonly { prompt: string; continuation: string }[]) {
    return reqs.map(({ prompt, continuation }) => {
      const hit = this.facts.get(prompt) === continuation;
      return [{ id: 1, logprob: Math.log(hit ? 0.5 : 0.01), rank: hit ? 1 : 200 }];
    });
  }
  async generate(prompts: readonly string[]) {
    return prompts.map((p) => this.facts.get(p) ?? ' unknown');
  }
  tokenize(text: string) {
    return [...text].map((ch) => ch.charCodeAt(0));
  }
}

/**
 * Registries of the `qa-table` model (the tiny world's TOFU questions and rephrasings answered, plus
 * `extra` prompt → text), world-tofu, `fake-forget` and the unlearning metrics (plus `metrics`).
 */
export function worldQaRegistries(extra: ReadonlyMap<string, string> = new Map(), metrics: readonly MetricEntry[] = []): Registries {
  const model: ModelEntry = {
    id: 'qa-table', version: '1', paramsSchema: { type: 'object', properties: {} },
    fingerprint: async () => ({}),
    async load(): Promise<LoadedModel> {
      const facts = new Map<string, string>(extra);
      for (const r of renderTofu(buildWorld(1, 'tiny', {}, { version: DEFAULT_WORLD.version })) as { question: string; answer: string; paraphrased_question: string }[]) {
        facts.set(qaPrompt(r.question), ` ${r.answer}`);
        facts.set(qaPrompt(r.paraphrased_question), ` ${r.answer}`);
      }
      return { scorer: new QaScorer(facts), model: facts, dispose() {} };
    },
  };
  const method: MethodEntry = {
    id: 'fake-forget', version: '1', accepts: ['forget'],
    paramsSchema: { type: 'object', properties: { mode: { enum: ['refuse', 'nothing', 'wipe'], default: 'refuse' } } },
    create: (params) => ({
      async apply(m, requests) {
        const facts = m.model as Map<string, string>;
        const saved = new Map(facts);
        if (params['mode'] === 'wipe') facts.clear();
        for (const q of requests) {
          if (q.kind !== 'forget') throw new Error('fake-forget: forget requests only');
          if (params['mode'] === 'refuse') facts.set(q.question, q.refusal!);
        }
        return { undo: () => { facts.clear(); saved.forEach((v, k) => facts.set(k, v)); }, stats: { wallMs: 1 } };
      },
    }),
  };
  return {
    models: byId([model]), datasets: byId([worldTofuEntry]), methods: byId([method]), metrics: byId([...UNLEARN_METRICS, ...metrics]),
    environment: async () => ({ backend: 'fake' }),
  };
}
