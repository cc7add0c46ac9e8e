// Fakes for the runner's tests: a "model" that is a lookup table of facts, an editor that writes
// into it (and can be told to fail or diverge), a seeded dataset and CounterFact-shaped metrics.
// They follow the real contracts exactly (undo restores, metrics read only the Scorer).
import type { CellRecord, EditRequest, LoadedModel, MetricEntry, MethodEntry, ModelEntry, DatasetEntry, Registries, Scorer } from '../registries';
import { fakeGa, forgotMetric, qaDataset, qaPrompt } from './fake-unlearning';
import { byId } from '../registries';
import { WorldRng } from '@editlab/datasets';
import type { DataInspector, MalformedRecord } from '../registries';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A stand-in for the datasets package's loaders: a JSON array whose records need two string fields. */
export const fakeInspector: DataInspector = {
  formats: ['flat-edit'],
  async inspect(path, format) {
    const rows = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
    const malformed: MalformedRecord[] = [];
    rows.forEach((r, index) => {
      for (const field of ['prompt', 'target_new']) {
        if (typeof r[field] !== 'string') malformed.push({ file: path, index, field, message: r[field] === undefined ? 'missing' : `must be a string, got ${typeof r[field]}` });
      }
    });
    return { format: format ?? 'flat-edit', detected: format === undefined, records: rows.length, malformed };
  },
};

export interface FakeCounters {
  applies: number;
  loads: number;
  prepares: number;
  builds?: number;
}

class TableScorer implements Scorer {
  constructor(readonly facts: Map<string, string>) {}
  async score(reqs: readonly { prompt: string; continuation: string }[]) {
    return reqs.map(({ prompt, continuation }) => {
      const hit = this.facts.get(prompt) === continuation;
      return [{ id: continuation.length, logprob: hit ? -0.1 : -3 - (continuation.length % 3), rank: hit ? 1 : 7 }];
    });
  }
  async generate(prompts: readonly string[]) {
    return prompts.map((p) => this.facts.get(p) ?? ' unknown');
  }
  tokenize(text: string) {
    return [...text].map((c) => c.charCodeAt(0));
  }
}

function nll(rows: { logprob: number }[][]): number {
  const r = rows[0]!;
  return -r.reduce((a, t) => a + t.logprob, 0) / r.length;
}

export function fakeRegistries(counters: FakeCounters = { applies: 0, loads: 0, prepares: 0 }): Registries {
  const model: ModelEntry = {
    id: 'table',
    version: '1',
    paramsSchema: { type: 'object', properties: { size: { type: 'integer', minimum: 1, default: 40 }, failLoad: { type: 'boolean', default: false } } },
    async fingerprint(params) {
      return { size: params['size'] ?? 40 };
    },
    shape: () => ({ arch: 'table', layers: 4, dModel: 8, heads: 2, dMlp: 32, vocab: 128, window: 64 }),
    defaultCorpus: async (params) => Array.from({ length: Number(params['size'] ?? 40) }, (_x, i) => `Subject ${i} lives in City${i % 7}.`),
    async load(params): Promise<LoadedModel> {
      counters.loads++;
      if (params['failLoad']) throw Object.assign(new Error('checkpoint is truncated'), { code: 'CHECKPOINT' });
      const facts = new Map<string, string>();
      for (let i = 0; i < Number(params['size'] ?? 40); i++) {
        facts.set(`Subject ${i} lives in`, ` City${i % 7}`);
        facts.set(`Where does Subject ${i} live? In`, ` City${i % 7}`);
        facts.set(qaPrompt(i), ` City${i % 7}`);
      }
      return { scorer: new TableScorer(facts), model: facts, dispose() {} };
    },
  };
  /** A model made by a build stage ("finetuning" writes facts to a file) before it is loaded. */
  const tuned: ModelEntry = {
    id: 'table-tuned',
    version: '1',
    paramsSchema: { type: 'object', properties: { size: { type: 'integer', minimum: 1, default: 40 }, failBuild: { type: 'boolean', default: false } } },
    fingerprint: async (params) => ({ size: params['size'] ?? 40 }),
    build: {
      name: 'finetune',
      async run(params, ctx) {
        counters.builds = (counters.builds ?? 0) + 1;
        if (params['failBuild']) throw new Error('finetuning diverged');
        mkdirSync(ctx.dir, { recursive: true });
        const file = join(ctx.dir, 'facts.json');
        writeFileSync(file, JSON.stringify(Array.from({ length: Number(params['size']) }, (_x, i) => [`Subject ${i} lives in`, ` City${(i + 3) % 7}`])));
        return { file };
      },
    },
    async load(params, ctx) {
      const base = await model.load(params, ctx);
      const facts = base.model as Map<string, string>;
      for (const [p, t] of JSON.parse(readFileSync((ctx.built as { file: string }).file, 'utf8')) as [string, string][]) facts.set(p, t);
      return base;
    },
  };
  const dataset: DatasetEntry = {
    id: 'facts',
    version: '1',
    paramsSchema: { type: 'object', properties: { n: { type: 'integer', minimum: 1, default: 10 } } },
    async load(params) {
      const out: CellRecord[] = [];
      for (let i = 0; i < Number(params['n'] ?? 10); i++) {
        out.push({
          id: String(i),
          request: { prompt: `Subject ${i} lives in`, subject: `Subject ${i}`, targetNew: ` City${(i + 3) % 7}`, targetTrue: ` City${i % 7}` },
          data: { paraphrases: [`Where does Subject ${i} live? In`], neighborhood: [`Subject ${i + 1} lives in`], neighborTrue: ` City${(i + 1) % 7}` },
        });
      }
      return out;
    },
  };
  const method: MethodEntry = {
    id: 'table-ft',
    version: '1',
    paramsSchema: {
      type: 'object',
      properties: {
        lr: { type: 'number', exclusiveMinimum: 0, default: 0.1 },
        paraphrase: { type: 'boolean', default: false, description: 'also write the paraphrase prompt' },
        failOn: { type: 'string', description: 'throw when a prompt contains this text' },
        delayMs: { type: 'integer', minimum: 0, default: 0, description: 'sleep in every apply (kill tests)' },
        dropRate: { type: 'number', minimum: 0, maximum: 1, description: 'leave a request unwritten with this probability, drawn from the seed and the prompt (seed noise)' },
      },
    },
    stages: [{
      name: 'stats',
      reads: 'model',
      inputs: () => ({ what: 'facts-count' }),
      async run(m) {
        counters.prepares++;
        return { count: (m.model as Map<string, string>).size };
      },
    }],
    create(params, ctx) {
      // Seed noise: the same seed drops the same requests; another seed, others.
      const dropped = (prompt: string) => params['dropRate'] !== undefined && new WorldRng(ctx.seed, prompt).next() < Number(params['dropRate']);
      return {
        async apply(m, requests) {
          counters.applies++;
          if (params['delayMs']) await new Promise((r) => setTimeout(r, Number(params['delayMs'])));
          const facts = m.model as Map<string, string>;
          const old = new Map<string, string | undefined>();
          for (const r of requests as readonly EditRequest[]) {
            if (params['failOn'] && r.prompt.includes(String(params['failOn']))) throw new Error(`cannot edit '${r.prompt}'`);
            const prompts = [r.prompt, ...(params['paraphrase'] ? [r.prompt.replace(/^(Subject \d+) lives in$/, 'Where does $1 live? In')] : [])];
            if (dropped(r.prompt)) continue;
            for (const p of prompts) {
              if (!old.has(p)) old.set(p, facts.get(p));
              facts.set(p, r.targetNew);
            }
          }
          const lr = Number(params['lr']);
          return {
            undo: () => old.forEach((v, k) => (v === undefined ? facts.delete(k) : facts.set(k, v))),
            stats: { wallMs: 2 * requests.length, extraParams: 0, extraBytes: 8 * old.size, losses: { learn: [lr > 10 ? Number.NaN : 1 / lr] } },
          };
        },
      };
    },
  };
  const byPrompts = async (s: Scorer, prompts: readonly string[], good: string, bad: string) => {
    let ok = 0;
    for (const p of prompts) {
      const g = nll(await s.score([{ prompt: p, continuation: good }]));
      const b = nll(await s.score([{ prompt: p, continuation: bad }]));
      if (g < b) ok++;
    }
    return prompts.length ? ok / prompts.length : 0;
  };
  const rq = (r: CellRecord) => r.request as EditRequest;
  type D = { paraphrases: string[]; neighborhood: string[]; neighborTrue: string };
  const metrics: MetricEntry[] = [
    {
      id: 'efficacy', version: '1', higherIsBetter: true, scale: 100, digits: 2,
      evaluate: (s, r) => byPrompts(s, [rq(r).prompt], rq(r).targetNew, rq(r).targetTrue!),
    },
    {
      id: 'generalization', version: '1', higherIsBetter: true, scale: 100, digits: 2,
      evaluate: (s, r) => byPrompts(s, (r.data as D).paraphrases, rq(r).targetNew, rq(r).targetTrue!),
    },
    {
      id: 'locality', version: '1', higherIsBetter: true, scale: 100, digits: 2,
      evaluate: (s, r) => byPrompts(s, (r.data as D).neighborhood, (r.data as D).neighborTrue, rq(r).targetNew),
    },
    {
      id: 'score', version: '1', higherIsBetter: true, scale: 100, digits: 2,
      derive: { from: ['efficacy', 'generalization', 'locality'], combine: (v) => (v.some((x) => x === 0) ? 0 : v.length / v.reduce((a, x) => a + 1 / x, 0)) },
    },
    {
      id: 'completion', version: '1', higherIsBetter: true,
      text: async (s, r) => (await s.generate([rq(r).prompt], { maxNewTokens: 4 }))[0]!,
    },
    {
      id: 'completion-before', version: '1', higherIsBetter: true, when: 'before',
      text: async (s, r) => (await s.generate([rq(r).prompt], { maxNewTokens: 4 }))[0]!,
    },
    {
      id: 'efficacy-before', version: '1', higherIsBetter: true, scale: 100, digits: 2, when: 'before',
      evaluate: (s, r) => byPrompts(s, [rq(r).prompt], rq(r).targetNew, rq(r).targetTrue!),
    },
    {
      id: 'nll', version: '1', higherIsBetter: false, digits: 4,
      paramsSchema: { type: 'object', properties: { target: { enum: ['new', 'true'], default: 'new' } } },
      evaluate: async (s, r, p) => nll(await s.score([{ prompt: rq(r).prompt, continuation: p['target'] === 'true' ? rq(r).targetTrue! : rq(r).targetNew }])),
    },
  ];
  return {
    models: byId([model, tuned]),
    datasets: byId([dataset, qaDataset]),
    methods: byId([method, fakeGa(counters)]),
    metrics: byId([...metrics, forgotMetric]),
    environment: async () => ({ backend: 'fake', versions: { runner: 'test' } }),
    data: fakeInspector,
  };
}
