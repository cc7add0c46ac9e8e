// A resolved spec written by hand (what validateSpec returns), for tests that plan without files.
import type { Spec } from '../experiment-spec/types';

/** BASE_SPEC's resolved form over the fake registries, with `over` replacing whole fields. */
export function resolvedSpec(over: Partial<Spec> = {}): Spec {
  return {
    name: 'fake',
    seed: 0,
    output: 'fake.csv',
    models: [{ model: 'table', params: { size: 40, failLoad: false } }],
    datasets: [{ dataset: 'facts', params: { n: 12 } }],
    methods: [{ method: 'table-ft', params: { lr: 0.1, paraphrase: false, delayMs: 0 } }],
    protocols: [{ kind: 'single' }],
    metrics: ['efficacy', 'generalization', 'locality', 'score'],
    run: { chunk: 4 },
    rows: 'aggregate',
    ...over,
  };
}
