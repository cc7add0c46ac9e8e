// `model: facts`: a default-size model pretrained, inside the run, on the TRUE facts of real dataset files
// (`editlab pretrain --facts`, pretrain/facts-source.ts), so a spec can edit real CounterFact / ZsRE
// records on a model that knows them (issue 17, the real-data miniature; experiments/real/table1.yaml).
// The pretraining is the model item's `build` stage: it runs once into the task cache, keyed by the
// files' content, the preset and the step count; a killed build resumes from its saved state (every
// 200 steps, pretrain/loop.ts) the next time the spec runs. The evaluation of the pretrained model
// (training-prompt and held-out paraphrase accuracy, refusal, fluency) is its MODEL_CARD.md in the build
// directory and the build stage's value (the meta's `built`).
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { modelShape } from '@editlab/engine';
import type { ModelEntry, RunContext } from '../registries';
import type { JsonObject } from '../util/json';
import { RunnerError } from '../errors';
import { loadDir } from './models';
import { defaultParts, pretrainDefault } from '../pretrain/default-parts';
import { DEFAULT_PRESET_SET, modelPreset, PRESET_SETS, PRESET_SET_NAMES, type DefaultModelName, type PresetSetName } from '../pretrain/presets';

interface FactsParams {
  readonly name: DefaultModelName;
  readonly set: PresetSetName;
  readonly files: readonly string[];
  readonly steps: number;
  readonly worldSeed: number;
}

function factsParams(p: JsonObject, ctx: RunContext): FactsParams {
  const set = (p['set'] ?? DEFAULT_PRESET_SET) as PresetSetName;
  const name = String(p['name']) as DefaultModelName;
  const preset = modelPreset(set, name);
  const files = (p['facts'] as string[]).map((f) => resolve(ctx.specDir, f));
  return { name, set, files, steps: Number(p['steps'] ?? preset.schedule.steps), worldSeed: Number(p['worldSeed'] ?? PRESET_SETS[set].world.seed) };
}

function fileSha256(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch (e) {
    throw new RunnerError('DATA', `facts file not readable: ${path} (${(e as Error).message})`, { cause: e });
  }
}

export function factsModel(names: readonly string[]): ModelEntry {
  return {
    id: 'facts',
    version: '2',
    description: 'A default-size model pretrained in the run on the true facts of real dataset files (`editlab pretrain --facts`; a cached build stage)',
    paths: { facts: 'file' },
    paramsSchema: {
      type: 'object',
      required: ['name', 'facts'],
      properties: {
        name: { enum: [...names], description: 'Which default model\'s architecture and schedule (pretrain/presets.ts).' },
        set: { enum: [...PRESET_SET_NAMES], default: DEFAULT_PRESET_SET, description: 'The preset set of that architecture (v2: 128-token window).' },
        facts: {
          type: 'array', minItems: 1, items: { type: 'string', minLength: 1 },
          description: 'Real dataset files (CounterFact ROME/EasyEdit, ZsRE MEND, TOFU, PISTOL), relative to the spec: the model learns each record\'s true fact (prompt + target_true, neighbourhood prompts); paraphrase prompts are held out of the corpus.',
        },
        steps: { type: 'integer', minimum: 1, description: 'Training steps (default: the preset\'s).' },
        worldSeed: { type: 'integer', minimum: 0, description: 'Seed of the world whose refusal QA joins the corpus (default: the preset set\'s world).' },
      },
    },
    // The files' content, not their paths: the same facts elsewhere give the same key.
    fingerprint: async (p, ctx) => {
      const f = factsParams(p, ctx);
      return { name: f.name, set: f.set, steps: f.steps, worldSeed: f.worldSeed, facts: f.files.map((path) => ({ file: basename(path), sha256: fileSha256(path) })) };
    },
    shape: (p) => {
      const preset = modelPreset((p['set'] ?? DEFAULT_PRESET_SET) as PresetSetName, String(p['name']) as DefaultModelName);
      return modelShape({ ...preset.arch, vocabSize: preset.vocabSize });
    },
    // What the model was pretrained on (stages that read a corpus: ROME/MEMIT key statistics).
    defaultCorpus: async (p, ctx) => {
      const f = factsParams(p, ctx);
      return defaultParts.source({ facts: f.files, worldSeed: f.worldSeed }).source.corpus;
    },
    about: (p, ctx) => {
      const f = factsParams(p, ctx);
      return { name: f.name, presetSet: f.set, steps: f.steps, facts: f.files.map((path) => basename(path)) };
    },
    build: {
      name: 'pretrain-facts',
      async run(p, ctx) {
        const f = factsParams(p, ctx);
        mkdirSync(ctx.dir, { recursive: true });
        const logFile = join(ctx.dir, 'pretrain.log');
        const r = await pretrainDefault({
          model: f.name, set: f.set, facts: f.files, worldSeed: f.worldSeed, schedule: { steps: f.steps },
          outDir: join(ctx.dir, 'model'), workDir: join(ctx.dir, 'work'),
          log: (l) => appendFileSync(logFile, `${l}\n`),
          // the display shows the step and the run's signals are seen between slices (exec/yield.ts)
          ...(ctx.yieldPoint ? { onSlice: (step: number, steps: number) => ctx.yieldPoint!({ step: 'train', index: step, total: steps }) } : {}),
          command: `editlab pretrain --set ${f.set} --model ${f.name} --steps ${f.steps} --facts ${f.files.map((x) => basename(x)).join(' ')}`,
        });
        if (!r.complete) throw new RunnerError('DATA', `facts: pretraining of ${f.name} stopped at step ${r.step} (state in ${r.statePath}; run again to resume)`);
        const s = r.card.scores;
        return {
          dir: r.dir, weightsSha256: r.weightsSha256, steps: f.steps,
          trainPrompts: s.trainTemplates, heldOutParaphrases: s.heldOutTemplates, refusal: s.refusal,
          ...(s.fluency ? { fluency: { ngramEntropy: s.fluency.ngramEntropy, n: s.fluency.n } } : {}),
          corpus: r.card.corpus,
        } as unknown as JsonObject;
      },
    },
    load: async (_p, ctx) => {
      const built = ctx.built as { dir?: string } | undefined;
      if (!built?.dir) throw new RunnerError('DATA', 'facts: the pretraining stage produced no checkpoint');
      return loadDir(built.dir);
    },
  };
}
