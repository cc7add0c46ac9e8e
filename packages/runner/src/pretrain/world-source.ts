// The datasets package's synthetic world as a knowledge source: its pretraining corpus (statements,
// QA in the fixed QA format, prefixed paraphrases, refusal QA), cloze probes with the in-corpus and
// the held-out statement template of every fact, held-out refusal questions and generation prompts.
import {
  buildWorld, factProbes, formatQA, generationPrompts, heldOutQAProbes, NAMED_REFUSAL_TEMPLATES, qaPrompt, refusalQA, renderCorpus, REFUSAL_POOL,
  type WorldVersion,
} from '@editlab/datasets';
import type { KnowledgeSource } from './types';

/**
 * @param refusalRepeats how many times each in-corpus refusal QA document appears (the world renders
 *   it once; more copies raise the refusal rate on absent entities, see docs/default-models.md).
 * @param version the world version (1, the default, is what the committed checkpoints were trained on).
 * @param refusalExtraQuestions refusal questions per extra absent person in the corpus (default: the size
 *   preset's). They come from the world's own 'refusal-extra' stream, so no entity, fact, benchmark record or
 *   held-out probe changes; only the corpus grows (docs/default-models.md, "Measured: the version 2 runs").
 */
export function worldSource(seed: number, size: string, refusalRepeats = 1, version: WorldVersion = 1, refusalExtraQuestions?: number): KnowledgeSource {
  const w = buildWorld(seed, size, refusalExtraQuestions !== undefined ? { refusalExtraQuestions } : {}, { version });
  const probes = factProbes(w);
  return {
    description: `the synthetic world of @editlab/datasets (seed ${seed}, size ${size}${version !== 1 ? `, version ${version}` : ''}: ${w.facts.length} facts${refusalRepeats > 1 ? `; refusal QA ×${refusalRepeats}` : ''}${refusalExtraQuestions !== undefined ? `; ${refusalExtraQuestions} refusal question(s) per extra absent person` : ''})`,
    corpus: [...renderCorpus(w), ...Array.from({ length: Math.max(0, refusalRepeats - 1) }, () => inCorpusRefusals(w).map((q) => formatQA(q.question, q.answer))).flat()],
    trainProbes: probes.train.map((p) => ({ prompt: p.prompt, target: p.target })),
    heldOutProbes: probes.heldOut.map((p) => ({ prompt: p.prompt, target: p.target })),
    qaProbes: heldOutQAProbes(w).map((p) => ({ prompt: p.prompt, target: p.target })),
    refusalPrompts: refusalQA(w).heldOut.map((q) => qaPrompt(q.question)),
    // What counts as a refusal when scoring: version 2 also teaches refusals that name their subject.
    refusalPool: version === 2 ? [...REFUSAL_POOL, ...NAMED_REFUSAL_TEMPLATES] : REFUSAL_POOL,
    generationPrompts: generationPrompts(w, 40),
  };
}

/** The refusal QA the world puts in its corpus: about its absent people and its extra absent people. */
export function inCorpusRefusals(w: ReturnType<typeof buildWorld>): { question: string; answer: string }[] {
  const r = refusalQA(w);
  return [...r.train, ...r.extra];
}

export interface QaPair {
  readonly question: string;
  readonly answer: string;
}

/** The world's PISTOL-style contract QA (absent from the pretraining corpus; learned by finetuning). */
export function pistolQa(seed: number, size: string, version: WorldVersion = 1): QaPair[] {
  return buildWorld(seed, size, {}, { version }).contracts.flatMap((c) => c.qa.map((q) => ({ question: q.question, answer: q.answer })));
}
