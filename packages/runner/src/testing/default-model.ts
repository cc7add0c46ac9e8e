// The committed default models in runner tests: where the repository and the shared dev data are, whether
// the checkpoints are there (tests that need them skip without), the run context, and a model loaded once
// for a describe block through the real `embedded` entry.
import { afterAll, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { initBackend } from '@editlab/engine';
import { defaultRegistries } from '../defaults';
import type { LoadedModel, RunContext } from '../registries';

/** The repository root (models/, experiments/, results/). */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The shared real dev data beside the repository (absent outside the dev machine). */
export const SHARED = resolve(ROOT, '../shared/data');
export const haveShared = existsSync(SHARED);
/** Whether the committed checkpoints are present (models/tiny-gpt2 stands for both). */
export const haveModel = existsSync(join(ROOT, 'models/tiny-gpt2/model.safetensors'));
/** The run context of entries called directly: seed 0, paths relative to the repository root. */
export const testCtx: RunContext = { seed: 0, specDir: ROOT };

/** Load an embedded default model before the describe block's tests and dispose of it after; returns its getter. */
export function useDefaultModel(name: 'tiny-gpt2' | 'tiny-llama' = 'tiny-gpt2'): () => LoadedModel {
  let model: LoadedModel | undefined;
  beforeAll(async () => {
    await initBackend();
    model = await defaultRegistries().models.get('embedded')!.load({ name }, testCtx);
  });
  afterAll(() => model?.dispose());
  return () => {
    if (!model) throw new Error(`${name} is not loaded (useDefaultModel registers beforeAll in a describe block)`);
    return model;
  };
}

/** The parts of a one-model editing spec that differ between the runner tests that run one. */
export interface EditSpecParts {
  /** The experiment's name; the table is `<name>.csv`. */
  readonly name: string;
  /** The model entry (default `embedded`) and its label (default `gpt2`); the model is tiny-gpt2. */
  readonly model?: string;
  readonly modelLabel?: string;
  /** The dataset item as a YAML flow mapping; default the world's CounterFact, label cf, `n` records (default 1). */
  readonly dataset?: string;
  readonly n?: number;
  /** The method items, each a YAML flow mapping (`{ method: ft, label: FT }`). */
  readonly methods: readonly string[];
  readonly metrics: readonly string[];
}

/** The YAML of a spec that edits tiny-gpt2 with `methods` and scores `metrics`, seed 0. */
export function editSpec(p: EditSpecParts): string {
  const dataset = p.dataset ?? `{ dataset: world-counterfact, label: cf, params: { n: ${p.n ?? 1} } }`;
  return `name: ${p.name}
seed: 0
output: ${p.name}.csv
models: [{ model: ${p.model ?? 'embedded'}, label: ${p.modelLabel ?? 'gpt2'}, params: { name: tiny-gpt2 } }]
datasets: [${dataset}]
methods:
${p.methods.map((m) => `  - ${m}\n`).join('')}metrics: [${p.metrics.join(', ')}]
`;
}
