// `--facts <files…>`: a knowledge source from real dataset files (CounterFact ROME/EasyEdit, ZsRE MEND,
// TOFU, PISTOL — anything the datasets loaders read). Edit records contribute their TRUE fact
// (prompt + target_true, each neighborhood prompt with its true answer, and each locality prompt with its answer) as statements, with the
// paraphrase prompts held out of the corpus; QA items contribute "Question/Answer" documents, with the
// paraphrased question (when the format has one) held out. Refusal QA about absent entities comes from
// the default world (seed `worldSeed`), so the model still learns to say "I don't know".
import { basename } from 'node:path';
import { buildWorld, formatQA, generationPrompts, loadDataset, qaPrompt, refusalQA, REFUSAL_POOL } from '@editlab/datasets';
import { locPrompt } from '@editlab/metrics';
import { RunnerError } from '../errors';
import type { KnowledgeProbe, KnowledgeSource } from './types';
import { inCorpusRefusals } from './world-source';

export function factsSource(files: readonly string[], worldSeed: number): KnowledgeSource {
  const corpus: string[] = [];
  const trainProbes: KnowledgeProbe[] = [];
  const heldOutProbes: KnowledgeProbe[] = [];
  const gen: string[] = [];
  const counts: string[] = [];
  for (const file of files) {
    const d = loadDataset(file);
    if (d.malformed.length) {
      const m = d.malformed[0]!;
      throw new RunnerError('DATA', `${m.file}: record ${m.index}, field ${m.field}: ${m.message} (${d.malformed.length} malformed records)`);
    }
    let n = 0;
    for (const r of d.records) {
      if (r.kind === 'edit' && r.targetTrue) {
        // The locality probes too (ZsRE's loc/loc_ans, asked as the metric asks it: MEMIT's zsre.py appends "?"), so
        // the model knows what a locality metric checks it still knows.
        const loc = (p: string) => (r.source === 'zsre-mend' ? locPrompt(p) : p);
        const facts = [
          { prompt: r.prompt, target: r.targetTrue },
          ...r.neighborhood.map((p) => ({ prompt: p.prompt, target: p.answers[0] ?? '' })),
          ...r.locality.map((p) => ({ prompt: loc(p.prompt), target: p.answers[0] ?? '' })),
        ];
        for (const f of facts.filter((x) => x.target)) {
          corpus.push(`${f.prompt} ${f.target}.`);
          trainProbes.push(f);
        }
        for (const p of r.paraphrasePrompts) heldOutProbes.push({ prompt: p, target: r.targetTrue });
        gen.push(...r.generationPrompts);
        n++;
      } else if (r.kind === 'qa') {
        corpus.push(formatQA(r.question, r.answer));
        trainProbes.push({ prompt: qaPrompt(r.question), target: r.answer });
        if (r.paraphrasedQuestion) heldOutProbes.push({ prompt: qaPrompt(r.paraphrasedQuestion), target: r.answer });
        n++;
      }
    }
    counts.push(`${basename(file)} (${d.format}, ${n} facts)`);
  }
  if (trainProbes.length === 0) throw new RunnerError('DATA', `no true facts in ${files.join(', ')} (edit records need target_true; QA items need an answer)`);
  const world = buildWorld(worldSeed, 'default');
  const refusals = refusalQA(world);
  corpus.push(...inCorpusRefusals(world).map((q) => formatQA(q.question, q.answer)));
  return {
    description: `real fact files: ${counts.join(', ')}; refusal QA from world seed ${worldSeed}`,
    corpus,
    trainProbes,
    heldOutProbes,
    refusalPrompts: refusals.heldOut.map((q) => qaPrompt(q.question)),
    refusalPool: REFUSAL_POOL,
    generationPrompts: gen.length ? gen.slice(0, 40) : generationPrompts(world, 40),
  };
}
