// The unlearning baselines (engine methods ga, gd, kl, idk, dpo, npo) in the runner: registered as spec
// methods that take forget requests only (a fact-rewrite dataset is a validate error at file:line:col), and
// the two spec fields experiments/unlearning/methods.yaml needs: a dataset item's `models:` (a PISTOL set
// only on the model finetuned on it) and a method item's `protocols:` (editors in sequence, baselines in
// one call), with their located errors.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { defaultRegistries } from '../defaults';
import { checkSpec, planExperiment } from '../experiment';
import { tmpWorkspace } from '../testing/tmp';
import { haveModel } from '../testing/default-model';

const UNLEARNING = ['ga', 'gd', 'kl', 'idk', 'dpo', 'npo'];

describe('the unlearning baselines as spec methods', () => {
  const ws = tmpWorkspace();
  afterAll(() => ws.cleanup());
  const check = (spec: string) => () => {
    ws.write({ 'spec.yaml': spec });
    return checkSpec(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws);
  };

  it('each is registered, takes forget requests only, and carries lr, steps and (where it has them) α and β in its schema', () => {
    const methods = defaultRegistries().methods;
    for (const id of UNLEARNING) {
      const m = methods.get(id)!;
      expect(m.accepts).toEqual(['forget']);
      const props = Object.keys((m.paramsSchema as { properties: object }).properties);
      expect(props).toEqual(expect.arrayContaining(['lr', 'steps', 'epochs', 'batchSize']));
      if (id !== 'ga') expect(props).toContain('alpha');
      if (id === 'dpo' || id === 'npo') expect(props).toContain('beta');
    }
  });

  it('GA on a fact-rewrite dataset is a validate error at the method item\'s line and column', () => {
    const spec = `name: t
seed: 0
output: t.csv
models: [{ model: embedded, params: { name: tiny-gpt2 } }]
datasets: [{ dataset: world-counterfact, params: { n: 4 } }]
methods:
  - { method: ga }
metrics: [efficacy]
`;
    expect(check(spec)).toThrow(/spec\.yaml:7:15: \/methods\/0\/method: method 'ga' takes forget requests, but dataset 'world-counterfact' \(datasets item 0\) yields rewrite requests/);
    expect(check(spec.replace('world-counterfact, params: { n: 4 }', 'world-tofu, params: { forgetSize: 4 }, retain: { split: retain }').replace('[efficacy]', '[rouge1-forget]'))).not.toThrow();
  });

  const PAIRED = `name: t
seed: 0
output: t.csv
models:
  - { model: embedded, label: a, params: { name: tiny-gpt2 } }
  - { model: embedded, label: b, params: { name: tiny-llama } }
datasets:
  - { dataset: world-tofu, label: tofu, params: { forgetSize: 4 }, retain: { split: retain }, models: [a] }
methods:
  - { method: ga, protocols: [unlearn] }
  - { method: ft, protocols: ["unlearn(sequential)"] }
protocols: [{ kind: unlearn }, { kind: unlearn, apply: sequential }]
metrics: [rouge1-forget]
`;

  it('`models:` and `protocols:` name labels of the spec; an unknown one is an error at its line', () => {
    expect(check(PAIRED)).not.toThrow();
    expect(check(PAIRED.replace('models: [a]', 'models: [c]'))).toThrow(/spec\.yaml:8:\d+: \/datasets\/0\/models\/0: no model item is labelled 'c'/);
    expect(check(PAIRED.replace('protocols: [unlearn]', 'protocols: [single]'))).toThrow(/spec\.yaml:10:\d+: \/methods\/0\/protocols\/0: no protocol of this spec is labelled 'single'/);
  });

  it.skipIf(!haveModel)('the plan has one row per paired model and dataset and per method\'s own protocols (skipped without the models)', async () => {
    ws.write({ 'spec.yaml': PAIRED });
    const { plan } = await planExperiment(join(ws.cwd, 'spec.yaml'), defaultRegistries(), ws);
    expect(plan.rows.map((r) => `${r.keys.model} ${r.keys.dataset} ${r.keys.method} ${r.keys.protocol}`)).toEqual([
      'a tofu ga unlearn',
      'a tofu ft unlearn(sequential)',
    ]);
    expect(plan.cells).toHaveLength(2);
  });
});
