// The real parts of the pretraining pipeline: the engine's byte-level BPE trainer and HF-layout
// checkpoint writer, and the knowledge source. `pretrainDefault(options)` is the entry point that
// `editlab pretrain` and scripts/pretrain.ts call.
//
// Knowledge source: the datasets package's world (sizes "tiny", "default", …; version 1 or 2), real fact files
// (--facts, through the datasets loaders), or the stand-in world ("standin-tiny", "standin-default";
// standin.ts), which needs nothing from the datasets package and has no versions.
import { saveCheckpoint, trainBpe } from '@editlab/engine';
import { RunnerError } from '../errors';
import type { PretrainParts } from './parts';
import { DEFAULT_WORLD } from './presets';
import { pretrainWith, type PretrainOptions, type PretrainResult } from './pipeline';
import { STANDIN_SIZES, standinSource } from './standin';
import { worldSource } from './world-source';
import { factsSource } from './facts-source';

const STANDIN_PREFIX = 'standin-';

export const defaultParts: PretrainParts = {
  source(o) {
    const worldSeed = o.worldSeed ?? DEFAULT_WORLD.seed;
    if (o.facts?.length) return { source: factsSource(o.facts, worldSeed) };
    const worldSize = o.worldSize ?? DEFAULT_WORLD.size;
    const worldVersion = o.worldVersion ?? DEFAULT_WORLD.version;
    if (!worldSize.startsWith(STANDIN_PREFIX)) return { source: worldSource(worldSeed, worldSize, o.refusalRepeats, worldVersion, o.refusalExtraQuestions), worldSeed, worldSize, worldVersion };
    const preset = STANDIN_SIZES[worldSize.slice(STANDIN_PREFIX.length)];
    if (!preset) {
      const known = Object.keys(STANDIN_SIZES).map((k) => STANDIN_PREFIX + k).join(', ');
      throw new RunnerError('USAGE', `world size '${worldSize}': unknown stand-in size (available: ${known})`);
    }
    return { source: standinSource(worldSeed, preset), worldSeed, worldSize };
  },
  trainTokenizer: (corpus, vocabSize, specialTokens) => trainBpe(corpus, { vocabSize, specialTokens }),
  saveCheckpoint: (dir, c) => saveCheckpoint(dir, c),
};

/** Train one default model of a preset set end to end: checkpoint + MODEL_CARD.md + provenance. */
export function pretrainDefault(o: PretrainOptions): Promise<PretrainResult> {
  return pretrainWith(defaultParts, o);
}
