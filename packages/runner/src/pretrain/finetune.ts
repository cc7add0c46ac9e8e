// The PISTOL finetuning stage (the papers' "finetuned knowledge" setting): teach a pretrained default
// model the contract QA pairs, in the world's QA format, until greedy answers reach ROUGE-1 recall
// ≥ 0.95 (or a step cap). Deterministic for a seed; writes a checkpoint directory the runner caches
// as a model build stage. A small replay of the pretraining corpus keeps the world knowledge.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodePairs, encodeTexts, initBackend, loadCheckpoint, saveCheckpoint, train, Transformer } from '@editlab/engine';
import { greedy } from './evaluate';
import { weightsSha256 } from './hash';
import { readProvenance, sourceFromProvenance } from './provenance';
import { spread } from './report';
import { rouge1Recall } from './rouge';
import { qaPrompt } from '@editlab/datasets';
import { pistolQa, type QaPair } from './world-source';
import { defaultParts } from './default-parts';

export interface PistolFinetuneOptions {
  /** A pretrained checkpoint directory (e.g. models/tiny-gpt2). */
  readonly baseDir: string;
  readonly outDir: string;
  /** QA pairs to learn (default: the PISTOL data of the base model's world). */
  readonly qa?: readonly QaPair[];
  readonly worldSeed?: number;
  readonly seed?: number;
  readonly lr?: number;
  readonly batchSize?: number;
  /** Steps per round; ROUGE is checked after each round. */
  readonly roundSteps?: number;
  readonly maxRounds?: number;
  /** Target mean ROUGE-1 recall. */
  readonly target?: number;
  /** Pretraining documents mixed into each round, per QA pair (default 0.5). */
  readonly replay?: number;
  readonly log?: (line: string) => void;
  readonly command?: string;
}

export interface PistolFinetuneResult {
  readonly dir: string;
  readonly rouge1Recall: number;
  readonly n: number;
  readonly steps: number;
  readonly weightsSha256: string;
}

/** Mean ROUGE-1 recall of greedy answers to the questions. */
export function qaRouge(model: Transformer, tok: Parameters<typeof greedy>[1], qa: readonly QaPair[]): number {
  const answers = greedy(model, tok, qa.map((q) => qaPrompt(q.question)), 24);
  return answers.reduce((a, g, i) => a + rouge1Recall(g.split('\n')[0]!, qa[i]!.answer), 0) / Math.max(1, qa.length);
}

export async function finetunePistol(o: PistolFinetuneOptions): Promise<PistolFinetuneResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  await initBackend();
  const base = await loadCheckpoint(resolve(o.baseDir));
  if (!base.tokenizer) throw new Error(`${o.baseDir}: checkpoint has no tokenizer.json`);
  const tok = base.tokenizer;
  const prov = readProvenance(resolve(o.baseDir));
  const source = sourceFromProvenance(defaultParts, prov);
  const qa = o.qa ?? pistolQa(o.worldSeed ?? prov.world?.seed ?? 1, prov.world?.size ?? 'default');
  const seed = o.seed ?? 1;
  const pairs = encodePairs(tok, qa.map((q) => ({ prompt: qaPrompt(q.question), target: ` ${q.answer}` })));
  const replay = encodeTexts(tok, spread(source.corpus, Math.round((o.replay ?? 0.5) * qa.length)));
  const examples = [...pairs, ...replay];
  const model = Transformer.fromWeights(base.config, base.weights);
  try {
    const target = o.target ?? 0.95;
    const roundSteps = o.roundSteps ?? 100;
    let steps = 0;
    let score = qaRouge(model, tok, qa);
    log(`[finetune pistol] ${qa.length} QA pairs (+${replay.length} replayed documents); ROUGE-1 recall before: ${score.toFixed(4)}`);
    for (let round = 0; round < (o.maxRounds ?? 20) && score < target; round++) {
      const r = train(model, examples, { lr: o.lr ?? 1e-3, steps: roundSteps, batchSize: o.batchSize ?? 16, seed: seed + round, clipNorm: 1, adamBetas: [0.9, 0.99] });
      steps += roundSteps;
      score = qaRouge(model, tok, qa);
      log(`[finetune pistol] round ${round + 1}: ${steps} steps, loss ${r.losses.at(-1)!.toFixed(4)}, ROUGE-1 recall ${score.toFixed(4)}`);
    }
    const dir = resolve(o.outDir);
    mkdirSync(dir, { recursive: true });
    const weights = model.weights();
    const sha = weightsSha256(weights);
    await saveCheckpoint(dir, { config: base.config, weights, tokenizer: tok });
    writeFileSync(join(dir, 'FINETUNE.md'), [
      `# ${prov.model} + PISTOL finetune`, '',
      `- Base: ${o.baseDir} (weights sha256 ${prov.weightsSha256})`,
      `- ${qa.length} QA pairs, ${steps} steps, lr ${o.lr ?? 1e-3}, batch ${o.batchSize ?? 16}, seed ${seed}, replay ${replay.length} documents`,
      `- ROUGE-1 recall of greedy answers: ${score.toFixed(4)} (target ${target})`,
      `- Weights sha256 ${sha}`, '',
    ].join('\n'));
    return { dir, rouge1Recall: score, n: qa.length, steps, weightsSha256: sha };
  } finally {
    model.dispose();
  }
}
