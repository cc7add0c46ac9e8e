// The datasets package's synthetic world as a knowledge source: its pretraining corpus (statements,
// QA in the fixed QA format, prefixed paraphrases, refusal QA), cloze probes with the in-corpus and
// the held-out statement template of every fact, held-out refusal questions and generation prompts.
import { buildWorld, factProbes, generationPrompts, qaPrompt, refusalQA, renderCorpus, REFUSAL_POOL } from '@editlab/datasets';
import type { KnowledgeSource } from './types';

export function worldSource(seed: number, size: string): KnowledgeSource {
  const w = buildWorld(seed, size);
  const probes = factProbes(w);
  return {
    description: `the synthetic world of @editlab/datasets (seed ${seed}, size ${size}: ${w.facts.length} facts)`,
    corpus: renderCorpus(w),
    trainProbes: probes.train.map((p) => ({ prompt: p.prompt, target: p.target })),
    heldOutProbes: probes.heldOut.map((p) => ({ prompt: p.prompt, target: p.target })),
    refusalPrompts: refusalQA(w).heldOut.map((q) => qaPrompt(q.question)),
    refusalPool: REFUSAL_POOL,
    generationPrompts: generationPrompts(w, 40),
  };
}

export interface QaPair {
  readonly question: string;
  readonly answer: string;
}

/** The world's PISTOL-style contract QA (absent from the pretraining corpus; learned by finetuning). */
export function pistolQa(seed: number, size: string): QaPair[] {
  return buildWorld(seed, size).contracts.flatMap((c) => c.qa.map((q) => ({ question: q.question, answer: q.answer })));
}
