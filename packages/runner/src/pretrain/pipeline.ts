// The pretraining pipeline of the embedded default models:
//   world (seed, size, version) → corpus → BPE tokenizer → Transformer.init(seed) → pretrain (resumable)
//   → evaluate knowledge / refusal / fluency → checkpoint (HF layout) + MODEL_CARD.md.
// `pretrainWith(parts, options)` runs it over explicit parts; `pretrainDefault(options)` (default-parts.ts)
// over the real world, BPE trainer and checkpoint writer — the entry of `editlab pretrain`.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, paramCount, Transformer, type ModelConfig } from '@editlab/engine';
import { contentKey } from '../util/json';
import { renderCard, type CardData } from './card';
import { evaluateModel, type EvalReport } from './report';
import { encodePrompt } from './evaluate';
import { weightsSha256 } from './hash';
import { corpusSha256, writeProvenance } from './provenance';
import { pretrainLoop, type Schedule } from './loop';
import { DEFAULT_PRESET_SET, modelPreset, PRESET_SETS, type DefaultModelName, type PresetSetName } from './presets';
import type { KnowledgeSource, TextTokenizer } from './types';
import type { PretrainParts } from './parts';

export const SPECIAL_TOKENS = ['<|endoftext|>', '<|pad|>'] as const;

export interface PretrainOptions {
  /** Which default model to train. */
  readonly model: DefaultModelName;
  /** Preset set (presets.ts): architecture, schedule, world version and window (default: DEFAULT_PRESET_SET, the committed checkpoints' set). */
  readonly set?: PresetSetName;
  /** Checkpoint directory (default: models/<model> under the repo root). */
  readonly outDir?: string;
  /** Resumable state and logs (default: .editlab-cache/pretrain/<model>, .editlab-cache/pretrain/<set>/<model> for sets after v1). */
  readonly workDir?: string;
  /** Repository root used for the defaults above (default: process.cwd()). */
  readonly root?: string;
  /** World seed and size preset (defaults: the preset set's world). Ignored with `facts`. */
  readonly worldSeed?: number;
  readonly worldSize?: string;
  /** Copies of each in-corpus refusal QA document (default: the model preset's). */
  readonly refusalRepeats?: number;
  /** Real dataset files whose true facts the model learns instead of the world's (CounterFact, ZsRE, TOFU, PISTOL). */
  readonly facts?: readonly string[];
  /** Overrides of the preset's schedule and architecture (for tests and experiments). */
  readonly schedule?: Partial<Schedule>;
  readonly arch?: Partial<ModelConfig>;
  readonly vocabSize?: number;
  readonly modelSeed?: number;
  readonly dataSeed?: number;
  /** Ignore a saved training state and start over. */
  readonly fresh?: boolean;
  /** Save resumable state every this many steps (default 200). */
  readonly saveEvery?: number;
  /** Cap on probes per check in the final evaluation (default: all). */
  readonly evalLimit?: number;
  /** Progress lines (default: console.log). */
  readonly log?: (line: string) => void;
  /** The command line recorded in the model card. */
  readonly command?: string;
  /** Stop after this many steps with the state saved (as a kill would); the next call resumes. */
  readonly stopAfter?: number;
  /** Awaited between slices of training steps (loop.ts `onSlice`): a runner stage's yield point. */
  readonly onSlice?: (step: number, steps: number) => Promise<void>;
}

export type PretrainResult =
  | { readonly complete: true; readonly dir: string; readonly card: CardData; readonly eval: EvalReport; readonly weightsSha256: string }
  | { readonly complete: false; readonly step: number; readonly statePath: string };

/** The pipeline over explicit parts (knowledge source, tokenizer trainer, checkpoint writer). */
export async function pretrainWith(parts: PretrainParts, o: PretrainOptions): Promise<PretrainResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  const root = resolve(o.root ?? process.cwd());
  const setName = o.set ?? DEFAULT_PRESET_SET;
  const set = PRESET_SETS[setName];
  const preset = modelPreset(setName, o.model);
  const backend = await initBackend();
  const backendLabel = `${backend.name}${backend.matmul !== 'backend' ? ` (matmul ${backend.matmul})` : ''}, tfjs ${backend.tfjsVersion}`;
  log(`[pretrain ${o.model}] preset set ${setName} (${preset.family}); backend ${backendLabel}`);

  const refusalRepeats = o.refusalRepeats ?? preset.refusalRepeats;
  const refusalExtraQuestions = o.facts?.length ? undefined : preset.refusalExtraQuestions;
  const { source, worldSeed, worldSize, worldVersion } = parts.source({
    ...o, refusalRepeats, ...(refusalExtraQuestions !== undefined ? { refusalExtraQuestions } : {}), worldSeed: o.worldSeed ?? set.world.seed, worldSize: o.worldSize ?? set.world.size, worldVersion: set.world.version,
  });
  log(`[pretrain ${o.model}] source: ${source.description}; ${source.corpus.length} documents, ${source.heldOutProbes.length} facts (${source.trainProbes.length} training-template probes)`);
  const vocabSize = o.vocabSize ?? preset.vocabSize;
  const tokenizer = parts.trainTokenizer(source.corpus, vocabSize, SPECIAL_TOKENS);
  const tok: TextTokenizer = tokenizer;
  const docs = source.corpus.map((t) => [...encodePrompt(tok, t), tok.eosId]);
  const corpusTokens = docs.reduce((n, d) => n + d.length, 0);
  const split = docs.filter((d) => d.length > (o.schedule?.seqLen ?? preset.schedule.seqLen) + 1).length;
  const schedule: Schedule = { ...preset.schedule, ...o.schedule };
  const config: ModelConfig = { ...preset.arch, ...o.arch, vocabSize: tok.vocabSize };
  const modelSeed = o.modelSeed ?? preset.modelSeed;
  const dataSeed = o.dataSeed ?? preset.dataSeed;
  log(`[pretrain ${o.model}] tokenizer ${tok.vocabSize} tokens; corpus ${corpusTokens} tokens; ${paramCount(config)} parameters`);
  if (split) log(`[pretrain ${o.model}] ${split} document(s) longer than a training row are split into row-sized pieces (pack.ts)`);

  const runKey = contentKey({ config, schedule, modelSeed, dataSeed, tokenizer: contentKey(tokenizer.toJSON()), corpus: contentKey(source.corpus) });
  const workDir = resolve(o.workDir ?? join(root, '.editlab-cache', 'pretrain', ...(setName === 'v1' ? [] : [setName]), o.model));
  mkdirSync(workDir, { recursive: true });
  const statePath = join(workDir, 'state.safetensors');
  if (o.fresh) rmSync(statePath, { force: true });

  const model = Transformer.init(config, modelSeed);
  try {
    const run = await pretrainLoop(model, {
      schedule, seed: dataSeed, padId: tok.padId, docs, runKey,
      statePath,
      saveEvery: o.saveEvery ?? 200,
      stopAfter: o.stopAfter,
      ...(o.onSlice ? { onSlice: o.onSlice } : {}),
      onProgress: (p) => log(`[pretrain ${o.model}] step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} lr ${p.lr.toExponential(2)} epoch ${p.epoch} ${p.tokensPerSecond.toFixed(0)} tok/s ${(p.wallSeconds / 60).toFixed(1)} min`),
    });
    if (run.resumedFrom) log(`[pretrain ${o.model}] resumed from step ${run.resumedFrom}`);
    if (!run.complete) return { complete: false, step: run.losses.length, statePath };
    // The checkpoint is written before the evaluation, so a crash or kill there loses no training; the
    // card and provenance (which carry the evaluation) follow it. Rerunning resumes from the saved state.
    const weights = model.weights();
    const sha = weightsSha256(weights);
    const dir = resolve(o.outDir ?? join(root, 'models', o.model));
    await parts.saveCheckpoint(dir, { config, weights, tokenizer });
    tf.dispose([...weights.values()]);
    log(`[pretrain ${o.model}] wrote the checkpoint to ${dir}; evaluating`);

    const report = evaluateModel(model, tok, source, o.evalLimit);
    log(`[pretrain ${o.model}] knowledge train ${report.train.accuracy.toFixed(4)} held-out ${report.heldOut.accuracy.toFixed(4)}${report.qaHeldOut ? ` qa held-out ${report.qaHeldOut.accuracy.toFixed(4)}` : ''} refusal ${report.refusal.rate.toFixed(4)}${report.fluency ? ` fluency ${report.fluency.ngramEntropy.toFixed(1)}` : ''}`);
    if (report.skipped) log(`[pretrain ${o.model}] warning: ${report.skipped} evaluation probe(s) and prompt(s) longer than the model's ${config.maxSeq}-token window were skipped (docs/metrics.md "Records longer than the context window")`);
    const last = run.losses.slice(-50);
    const card: CardData = {
      name: o.model,
      family: preset.family,
      set: setName,
      source: source.description,
      worldSeed,
      worldSize,
      worldVersion,
      config,
      paramCount: paramCount(config),
      tokenizer: { vocabSize: tok.vocabSize, trainedOn: 'the pretraining corpus' },
      corpus: { documents: docs.length, tokens: corpusTokens },
      training: {
        steps: schedule.steps, batchSize: schedule.batchSize, seqLen: schedule.seqLen, lr: schedule.lr,
        warmupSteps: schedule.warmupSteps, epochs: run.epochs, modelSeed, dataSeed,
        finalLoss: last.reduce((a, b) => a + b, 0) / Math.max(1, last.length),
        wallSeconds: run.wallSeconds, resumedFrom: run.resumedFrom,
      },
      scores: {
        trainTemplates: report.train, heldOutTemplates: report.heldOut,
        ...(report.qaHeldOut ? { qaHeldOut: report.qaHeldOut } : {}),
        refusal: report.refusal,
        ...(report.fluency ? { fluency: report.fluency } : {}),
      },
      backend: backendLabel,
      weightsSha256: sha,
      command: o.command ?? `node --import tsx scripts/pretrain.ts${setName === 'v1' ? '' : ` --set ${setName}`} --model ${o.model}`,
      samples: report.samples,
    };
    writeFileSync(join(dir, 'MODEL_CARD.md'), renderCard(card));
    writeProvenance(dir, {
      model: o.model,
      // A version 1 world is written without `version` (as the datasets' world.json), so v1 provenance keeps its bytes.
      ...(worldSeed !== undefined && worldSize !== undefined ? { world: { seed: worldSeed, size: worldSize, refusalRepeats, ...(worldVersion && worldVersion !== 1 ? { version: worldVersion } : {}), ...(refusalExtraQuestions !== undefined ? { refusalExtraQuestions } : {}) } } : {}),
      ...(o.facts?.length ? { facts: { files: [...o.facts], worldSeed: o.worldSeed ?? set.world.seed } } : {}),
      corpusSha256: corpusSha256(source.corpus),
      weightsSha256: sha,
      run: { ...(setName === 'v1' ? {} : { set: setName }), config, schedule, modelSeed, dataSeed, vocabSize, scores: card.scores, training: card.training, backend: backendLabel },
    });
    log(`[pretrain ${o.model}] wrote ${dir} (weights sha256 ${sha.slice(0, 16)}…)`);
    return { complete: true, dir, card, eval: report, weightsSha256: sha };
  } finally {
    model.dispose();
  }
}
