// `defaults: rule` (rule-defaults.ts, docs/defaults.md): params a spec leaves unset take their rule's value
// on each model; params it sets, and every param without `defaults: rule`, keep theirs.
import { afterAll, describe, expect, it } from 'vitest';
import { planExperiment } from '../experiment';
import { defaultRegistries } from '../defaults';
import { buildSchema } from './schema';
import { tmpWorkspace } from '../testing/tmp';

const SPEC = (defaults: string) => `name: t
output: t.csv
${defaults}
models:
  - { model: embedded, label: gpt2, params: { name: tiny-gpt2 } }
  - { model: embedded, label: llama, params: { name: tiny-llama } }
datasets: [{ dataset: world-counterfact, params: { n: 2 } }]
methods:
  - { method: forget }
  - { method: ft-c, label: FT-c }
  - { method: ft-c, label: FT-c eps, params: { epsilon: 3e-3 } }
  - { method: forget, label: forget lr, params: { learnLr: 1e-3 } }
metrics: [efficacy]
`;
const ws = tmpWorkspace({ 'rule.yaml': SPEC('defaults: rule'), 'schema.yaml': SPEC('') });
afterAll(() => ws.cleanup());

const params = async (file: string) => {
  const { plan } = await planExperiment(file, defaultRegistries(), ws);
  return plan.cells.filter((c) => c.chunk === 0).map((c) => [plan.models[c.modelIndex]!.label, c.variant.label, c.variant.params['k'] ?? c.variant.params['layer'], c.variant.params['epsilon']]);
};

describe('defaults: rule', () => {
  it('fills each unset rule param with its family column on each model (GPT-2 and the Llama-2 stand-in: the Llama-2 column), also in a method entry that sets other params', async () => {
    expect(await params('rule.yaml')).toEqual([
      ['gpt2', 'forget', 1, undefined], ['gpt2', 'FT-c', 2, 5e-4], ['gpt2', 'FT-c eps', 2, 3e-3], ['gpt2', 'forget lr', 1, undefined],
      ['llama', 'forget', 1, undefined], ['llama', 'FT-c', 2, 5e-4], ['llama', 'FT-c eps', 2, 3e-3], ['llama', 'forget lr', 1, undefined],
    ]);
    // without it, the schema defaults (the values the committed tables used)
    expect(await params('schema.yaml')).toEqual([
      ['gpt2', 'forget', 2, undefined], ['gpt2', 'FT-c', 2, 1e-2], ['gpt2', 'FT-c eps', 2, 3e-3], ['gpt2', 'forget lr', 2, undefined],
      ['llama', 'forget', 2, undefined], ['llama', 'FT-c', 2, 1e-2], ['llama', 'FT-c eps', 2, 3e-3], ['llama', 'forget lr', 2, undefined],
    ]);
  });

  it('the schema says where each default comes from', () => {
    const defs = buildSchema(defaultRegistries())['$defs'] as Record<string, { properties: Record<string, { 'x-default'?: { source: string; ref: string } }> }>;
    expect(defs['method-ft']!.properties['layer']!['x-default']).toMatchObject({ source: 'paper', ref: expect.stringContaining('ForGet App. B.2') });
    expect(defs['method-ft-c']!.properties['epsilon']!['x-default']).toMatchObject({ source: 'tuning', ref: expect.stringContaining('results/tuning/ft.csv') });
  });
});
