// editlab-pretrain.json beside each checkpoint: where its knowledge came from (world seed and size,
// or the fact files), the corpus hash, the run's settings and scores. Tests and experiments rebuild
// the exact knowledge source from it, and detect a world generator that changed since training.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunnerError } from '../errors';
import { contentKey, stableJson } from '../util/json';
import type { WorldVersion } from '@editlab/datasets';
import type { PretrainParts } from './parts';
import type { KnowledgeSource } from './types';

export const PROVENANCE_FILE = 'editlab-pretrain.json';

export interface Provenance {
  readonly model: string;
  /** The world the corpus was rendered from (absent for --facts models). */
  readonly world?: { readonly seed: number; readonly size: string; readonly refusalRepeats?: number; /** Absent = 1. */ readonly version?: WorldVersion; /** Absent = the size preset's. */ readonly refusalExtraQuestions?: number };
  /** Fact files (paths as given) for --facts models, with the world seed used for refusals. */
  readonly facts?: { readonly files: readonly string[]; readonly worldSeed: number };
  /** contentKey of the corpus documents. */
  readonly corpusSha256: string;
  readonly weightsSha256: string;
  readonly run: Record<string, unknown>;
}

export function corpusSha256(corpus: readonly string[]): string {
  return contentKey(corpus);
}

export function writeProvenance(dir: string, p: Provenance): void {
  writeFileSync(join(dir, PROVENANCE_FILE), stableJson(p));
}

export function readProvenance(dir: string): Provenance {
  const path = join(dir, PROVENANCE_FILE);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Provenance;
  } catch (e) {
    throw new RunnerError('DATA', `${path}: cannot read the checkpoint's provenance (${(e as Error).message})`);
  }
}

/** The knowledge source a checkpoint was trained on, rebuilt, with its corpus hash. */
export function sourceFromProvenance(parts: PretrainParts, p: Provenance): KnowledgeSource & { corpusSha256: string } {
  const { source: src } = parts.source(p.world
    ? { worldSeed: p.world.seed, worldSize: p.world.size, refusalRepeats: p.world.refusalRepeats, worldVersion: p.world.version ?? 1, ...(p.world.refusalExtraQuestions !== undefined ? { refusalExtraQuestions: p.world.refusalExtraQuestions } : {}) }
    : { facts: p.facts?.files ?? [], worldSeed: p.facts?.worldSeed });
  return { ...src, corpusSha256: corpusSha256(src.corpus) };
}
