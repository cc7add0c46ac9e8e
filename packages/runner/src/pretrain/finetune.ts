// The PISTOL finetuning stage (the papers' "finetuned knowledge" setting): teach a pretrained default
// model the contract QA pairs, in the world's QA format, until greedy answers reach ROUGE-1 recall
// ≥ 0.95 (or a step cap). Deterministic for a seed; writes a checkpoint directory the runner caches
// as a model build stage. Replay of the pretraining corpus (a fresh slice each round) limits forgetting;
// the world knowledge kept is measured and recorded.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodeTexts, initBackend, loadCheckpoint, Rng, saveCheckpoint, train, Transformer, type ModelConfig, type TokenExample } from '@editlab/engine';
import { encodePrompt, firstTokenAccuracy, greedy } from './evaluate';
import { weightsSha256 } from './hash';
import { readProvenance, sourceFromProvenance } from './provenance';
import { spread } from './report';
import { qaPrompt } from '@editlab/datasets';
import { rouge } from '@editlab/metrics';
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
  /**
   * Pretraining documents mixed into each round, per QA pair (default 2): a fresh slice each round,
   * walking a seeded shuffle of the whole corpus, so the replay covers the world rather than 200 documents.
   */
  readonly replay?: number;
  /**
   * Context window of the finetuned model (default: the base's, or the smallest multiple of 32 that
   * holds the longest QA pair + EOS and the longest question + ANSWER_TOKENS). PISTOL questions name
   * both contract parties and run to 63 BPE tokens on the default world, longer than the default
   * models' 64-token window once the answer follows; a longer window costs nothing for Llama (RoPE) and,
   * for GPT-2, adds learned position rows initialised from the last trained one (finetuned here).
   */
  readonly maxSeq?: number;
  readonly log?: (line: string) => void;
  readonly command?: string;
}

/** Greedy tokens generated per answer when scoring (PISTOL answers are ≤ 13 tokens on the default world). */
export const ANSWER_TOKENS = 24;

export interface PistolFinetuneResult {
  readonly dir: string;
  readonly rouge1Recall: number;
  readonly n: number;
  readonly steps: number;
  readonly weightsSha256: string;
  /** Top-1 first-token accuracy on (a sample of) the base's training-template facts, before and after. */
  readonly knowledge: { readonly before: number; readonly after: number; readonly n: number };
}

/**
 * Mean ROUGE-1 recall of greedy answers to the questions (the metrics package's `rouge`, without
 * stemming: the stopping target of the finetune was set on unstemmed recall).
 */
export function qaRouge(model: Transformer, tok: Parameters<typeof greedy>[1], qa: readonly QaPair[]): number {
  const answers = greedy(model, tok, qa.map((q) => qaPrompt(q.question)), ANSWER_TOKENS);
  return answers.reduce((a, g, i) => a + rouge(qa[i]!.answer, g.split('\n')[0]!, false).rouge1.recall, 0) / Math.max(1, qa.length);
}

export async function finetunePistol(o: PistolFinetuneOptions): Promise<PistolFinetuneResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  await initBackend();
  const base = await loadCheckpoint(resolve(o.baseDir));
  if (!base.tokenizer) throw new Error(`${o.baseDir}: checkpoint has no tokenizer.json`);
  const tok = base.tokenizer;
  const prov = readProvenance(resolve(o.baseDir));
  const source = sourceFromProvenance(defaultParts, prov);
  const qa = o.qa ?? pistolQa(o.worldSeed ?? prov.world?.seed ?? 1, prov.world?.size ?? 'default', prov.world?.version ?? 1);
  const seed = o.seed ?? 1;
  // Each pair as the corpus renders QA (formatQA + EOS), loss on the answer and EOS only.
  const pairs: TokenExample[] = qa.map((q) => {
    const p = encodePrompt(tok, qaPrompt(q.question));
    return { ids: [...p, ...tok.encode(` ${q.answer}`), tok.eosId], lossFrom: p.length };
  });
  const corpus = encodeTexts(tok, new Rng(seed).shuffle([...source.corpus]));
  const perRound = Math.min(corpus.length, Math.round((o.replay ?? 2) * qa.length));
  const replayAt = (round: number): TokenExample[] =>
    Array.from({ length: perRound }, (_, i) => corpus[(round * perRound + i) % corpus.length]!);
  const knowledgeProbes = spread(source.trainProbes, 500);
  const longestPrompt = Math.max(...qa.map((q) => encodePrompt(tok, qaPrompt(q.question)).length));
  const needed = Math.max(...[...pairs, ...corpus].map((e) => e.ids.length - 1), longestPrompt + ANSWER_TOKENS - 1);
  const maxSeq = o.maxSeq ?? (needed > base.config.maxSeq ? Math.ceil(needed / 32) * 32 : base.config.maxSeq);
  const ctx = withContext(base.config, base.weights, maxSeq);
  const config = ctx.config;
  const model = Transformer.fromWeights(config, ctx.weights);
  ctx.weights.forEach((t, k) => { if (base.weights.get(k) !== t) t.dispose(); });
  try {
    const target = o.target ?? 0.95;
    const roundSteps = o.roundSteps ?? 100;
    let steps = 0;
    let score = qaRouge(model, tok, qa);
    const knowledgeBefore = firstTokenAccuracy(model, tok, knowledgeProbes).accuracy;
    log(`[finetune pistol] ${qa.length} QA pairs (+${perRound} replayed documents a round); world facts ${knowledgeBefore.toFixed(4)} (n = ${knowledgeProbes.length}); context ${base.config.maxSeq}${maxSeq !== base.config.maxSeq ? ` → ${maxSeq}` : ''} tokens; ROUGE-1 recall before: ${score.toFixed(4)}`);
    for (let round = 0; round < (o.maxRounds ?? 60) && score < target; round++) {
      const r = train(model, [...pairs, ...replayAt(round)], { lr: o.lr ?? 1e-3, steps: roundSteps, batchSize: o.batchSize ?? 16, seed: seed + round, clipNorm: 1, adamBetas: [0.9, 0.99] });
      steps += roundSteps;
      score = qaRouge(model, tok, qa);
      log(`[finetune pistol] round ${round + 1}: ${steps} steps, loss ${r.losses.at(-1)!.toFixed(4)}, ROUGE-1 recall ${score.toFixed(4)}`);
    }
    const knowledgeAfter = firstTokenAccuracy(model, tok, knowledgeProbes).accuracy;
    log(`[finetune pistol] world facts after: ${knowledgeAfter.toFixed(4)} (before ${knowledgeBefore.toFixed(4)})`);
    const dir = resolve(o.outDir);
    mkdirSync(dir, { recursive: true });
    const weights = model.weights();
    const sha = weightsSha256(weights);
    await saveCheckpoint(dir, { config, weights, tokenizer: tok });
    writeFileSync(join(dir, 'FINETUNE.md'), [
      `# ${prov.model} + PISTOL finetune`, '',
      `- Base: ${o.baseDir} (weights sha256 ${prov.weightsSha256})`,
      `- ${qa.length} QA pairs, ${steps} steps, lr ${o.lr ?? 1e-3}, batch ${o.batchSize ?? 16}, seed ${seed}, replay ${perRound} fresh pretraining documents a round`,
      `- Context window ${config.maxSeq} tokens (base ${base.config.maxSeq}${config.maxSeq !== base.config.maxSeq ? (config.arch === 'gpt2' ? '; new learned position rows initialised from the last one' : '; RoPE, no new weights') : ''})`,
      `- ROUGE-1 recall of greedy answers: ${score.toFixed(4)} (target ${target})`,
      `- World facts kept (top-1 first token, ${knowledgeProbes.length} training-template probes): ${(100 * knowledgeAfter).toFixed(1)}% (base ${(100 * knowledgeBefore).toFixed(1)}%)`,
      `- Weights sha256 ${sha}`, '',
    ].join('\n'));
    return { dir, rouge1Recall: score, n: qa.length, steps, weightsSha256: sha, knowledge: { before: knowledgeBefore, after: knowledgeAfter, n: knowledgeProbes.length } };
  } finally {
    model.dispose();
  }
}

/**
 * The base config and weights with a context window of `maxSeq` tokens. GPT-2's learned position
 * table gets new rows, each a copy of its last trained row (finetuning then trains them); RoPE models
 * (Llama) need only the config. Returns the inputs themselves when nothing changes.
 */
export function withContext(config: ModelConfig, weights: Map<string, tf.Tensor>, maxSeq: number): { config: ModelConfig; weights: Map<string, tf.Tensor> } {
  if (maxSeq === config.maxSeq) return { config, weights };
  if (maxSeq < config.maxSeq) throw new Error(`finetune: maxSeq ${maxSeq} is below the base model's ${config.maxSeq}`);
  const out = new Map(weights);
  const pos = weights.get('pos_embed.W_pos');
  if (pos) {
    const last = tf.slice(pos, [config.maxSeq - 1, 0], [1, pos.shape[1]!]);
    out.set('pos_embed.W_pos', tf.concat([pos, tf.tile(last, [maxSeq - config.maxSeq, 1])], 0));
    last.dispose();
  }
  return { config: { ...config, maxSeq }, weights: out };
}
