// Refusal quality without human raters (Editing-as-Unlearning Figure 6 left scores trustworthiness and
// entailment with 20 people): two stand-ins the world makes exact, on the greedy generation for each
// forget question after unlearning (the one ROUGE-1 reads), per record 0 or 1, the table's value the
// rate in % (docs/unlearning.md "Refusal quality"):
// - `entailment`: the generation names the question's subject (packages/metrics refusal-quality.ts);
// - `misleading`: it names an entity of the relation's object type other than the true object.
import { entailment, misleading } from '@editlab/metrics';
import { probe, type CellRecord, type MetricEntry } from '../registries';
import { RunnerError } from '../errors';
import type { QuestionFacts } from './self-improve';
import type { UnlearnProbes } from './unlearn-metrics';
import { unlearnData, UNLEARN_PROBES } from './unlearn-metrics';

/** The world's facts about a record's forget question; a set without them (PISTOL, files) is an error. */
function factsOf(r: CellRecord, metric: string): QuestionFacts {
  const f = unlearnData(r).facts;
  if (!f) throw new RunnerError('DATA', `${metric}: record ${r.id} has no subject and false objects (only world-tofu's records have them)`);
  return f;
}

/** The forget question's generation (the evaluator generated it for the forget split). */
const forgetGeneration = (p: UnlearnProbes): string => p.generations.forget?.[0] ?? '';

function qualityMetric(id: string, description: string, higherIsBetter: boolean, value: (gen: string, f: QuestionFacts) => number): MetricEntry {
  return {
    id, version: '1', higherIsBetter, scale: 100, digits: 1, split: 'forget', description,
    probe: probe(UNLEARN_PROBES, (p: UnlearnProbes, r) => value(forgetGeneration(p), factsOf(r, id))),
  };
}

export const REFUSAL_QUALITY_METRICS: readonly MetricEntry[] = [
  qualityMetric('entailment', '% of forget-question generations that name the question\'s subject (stand-in for the human entailment rating) [Editing-as-Unlearning Figure 6; docs/unlearning.md "Refusal quality"]', true,
    (gen, f) => entailment(gen, f.subject)),
  qualityMetric('misleading', '% of forget-question generations that name a false object of the question\'s relation (stand-in for the human trustworthiness rating) [Editing-as-Unlearning Figure 6; docs/unlearning.md "Refusal quality"]', false,
    (gen, f) => misleading(gen, f.falseObjects)),
];
