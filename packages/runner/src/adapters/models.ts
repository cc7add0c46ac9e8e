// Model registry entries backed by the engine: `checkpoint` (any Hugging Face style directory:
// config.json, *.safetensors, tokenizer.json) and `embedded` (the committed default models under
// models/<name>/). The fingerprint is the sha256 of the checkpoint's files, so retraining a model
// re-keys every task that used it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend, loadCheckpoint, modelShape, readCheckpointConfig, Transformer } from '@editlab/engine';
import type { ModelEntry, ModelShape } from '../registries';
import type { JsonObject } from '../util/json';
import { RunnerError } from '../errors';
import { loadedEngineModel } from './engine';
import { finetunePistol } from '../pretrain/finetune';
import { defaultParts } from '../pretrain/default-parts';
import { readProvenance, sourceFromProvenance } from '../pretrain/provenance';
import { PRESET_SETS, PRESET_SET_NAMES, type DefaultModelName } from '../pretrain/presets';
import { readManifest, snapshotDir } from '../models/hub';
import { readEditLayer } from '../pretrain/edit-layer';

/** A checkpoint's shape from its config.json (validate checks method params against it). */
function shapeOf(dir: string): ModelShape {
  if (!existsSync(join(dir, 'config.json'))) throw new RunnerError('DATA', `model checkpoint not found: ${dir} (no config.json)`);
  const shape = modelShape(readCheckpointConfig(dir));
  const editLayer = readEditLayer(dir);
  return editLayer === undefined ? shape : { ...shape, editLayer };
}

/**
 * The default corpus of an embedded model: the pretraining text of the world it learned, rebuilt from
 * the provenance its training run wrote beside the weights (world seed, size, version), so a version 1
 * and a version 2 checkpoint each get their own world's text.
 */
async function worldCorpus(dir: string): Promise<readonly string[]> {
  return sourceFromProvenance(defaultParts, readProvenance(dir)).corpus;
}

/** What a table's meta says about an embedded checkpoint: its preset set, world and weights (from its provenance). */
function aboutCheckpoint(name: string, dir: string): JsonObject {
  const p = readProvenance(dir);
  const set = typeof p.run['set'] === 'string' ? p.run['set'] : 'v1';
  return {
    name, presetSet: set, weightsSha256: p.weightsSha256,
    ...(p.world ? { world: { seed: p.world.seed, size: p.world.size, version: p.world.version ?? 1 } } : {}),
  };
}

/** sha256 over the names and bytes of the files of a checkpoint directory, in name order. */
export function checkpointHash(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new RunnerError('DATA', `model checkpoint not found: ${dir}`);
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => /\.(json|safetensors)$/.test(n)).sort()) {
    h.update(f).update('\0').update(readFileSync(join(dir, f)));
  }
  return h.digest('hex');
}

/** Load a Hugging Face layout checkpoint directory (with its traced edit layer, when its card has one). */
export async function loadDir(dir: string) {
  await initBackend();
  const c = await loadCheckpoint(dir);
  if (!c.tokenizer) throw new RunnerError('DATA', `${dir}: no tokenizer.json beside the weights`);
  const transformer = Transformer.fromWeights(c.config, c.weights);
  for (const w of c.weights.values()) w.dispose();
  const editLayer = readEditLayer(dir); // the model card's traced edit layer (pretrain/edit-layer.ts)
  return loadedEngineModel({ transformer, tokenizer: c.tokenizer, ...(editLayer === undefined ? {} : { editLayer }) });
}

export const checkpointModel: ModelEntry = {
  id: 'checkpoint',
  version: '1',
  description: 'A local checkpoint directory in the Hugging Face layout (GPT-2, Llama, Qwen2, Mistral)',
  paths: { path: 'directory' },
  paramsSchema: {
    type: 'object',
    required: ['path'],
    properties: { path: { type: 'string', minLength: 1, description: 'Directory, relative to the spec file.' } },
  },
  fingerprint: async (p, ctx) => checkpointHash(resolve(ctx.specDir, String(p['path']))),
  shape: (p, ctx) => shapeOf(resolve(ctx.specDir, String(p['path']))),
  load: (p, ctx) => loadDir(resolve(ctx.specDir, String(p['path']))),
};

/**
 * A checkpoint from the Hugging Face hub, read from the model cache where `editlab model fetch` put it
 * (models/hub.ts). Keyed by the repo, the commit it was fetched at and each file's verified sha256, so
 * no weights are hashed again at planning. Not fetched: a DATA error naming the command to run, which
 * validate reports at the spec's model item.
 */
export function hfModel(cacheDir: () => string): ModelEntry {
  const snapshot = (p: Record<string, unknown>) => {
    const repo = String(p['repo']);
    const revision = String(p['revision'] ?? 'main');
    const dir = snapshotDir(cacheDir(), repo, revision);
    const manifest = readManifest(dir);
    if (!manifest) {
      const at = revision === 'main' ? repo : `${repo}@${revision}`;
      throw new RunnerError('DATA', `${at} is not fetched into the model cache (${dir}): run \`editlab model fetch ${at}\` (EDITLAB_MODEL_CACHE sets the cache, HF_ENDPOINT a mirror, HF_TOKEN a token)`);
    }
    return { dir, manifest };
  };
  return {
    id: 'hf',
    version: '1',
    description: 'A Hugging Face hub checkpoint fetched into the model cache with `editlab model fetch <repo>` (GPT-2, Llama, Qwen2, Mistral)',
    paramsSchema: {
      type: 'object',
      required: ['repo'],
      properties: {
        repo: { type: 'string', pattern: '^[A-Za-z0-9][\\w.-]*/[\\w.-]+$', description: 'Hub repo id, owner/name (e.g. meta-llama/Llama-2-7b-hf).' },
        revision: { type: 'string', pattern: '^[\\w.-]+$', default: 'main', description: 'Branch, tag or commit it was fetched at.' },
      },
    },
    fingerprint: async (p) => {
      const { manifest: m } = snapshot(p);
      return { repo: m.repo, commit: m.commit, files: m.files.map((f) => ({ file: f.file, sha256: f.sha256 })) };
    },
    shape: (p) => shapeOf(snapshot(p).dir),
    load: (p) => loadDir(snapshot(p).dir),
  };
}

/**
 * A default model's shape. One not built yet has the shape its newest preset gives it, so a spec naming
 * it validates (its layers, windows and rule defaults are checked against that shape); planning and
 * running it need the checkpoint and say how to build it (`missing` throws that message).
 */
function embeddedShape(root: string, name: string, missing: () => string): ModelShape {
  const d = join(root, 'models', name);
  if (existsSync(join(d, 'config.json'))) return shapeOf(d);
  const preset = [...PRESET_SET_NAMES].reverse().map((set) => PRESET_SETS[set].models[name as DefaultModelName]).find((m) => m !== undefined);
  return preset ? modelShape({ ...preset.arch, vocabSize: preset.vocabSize }) : shapeOf(missing());
}

/**
 * The embedded default models (models/<name>/). `names` lists every default of any preset set
 * (pretrain/presets.ts); one that is not built yet (the version 2 families until issue 13's retrain)
 * is a DATA error that says how to build it.
 */
export function embeddedModel(root: string, names: readonly string[]): ModelEntry {
  const dir = (p: Record<string, unknown>) => {
    const d = join(root, 'models', String(p['name']));
    if (!existsSync(join(d, 'config.json'))) {
      throw new RunnerError('DATA', `embedded model '${String(p['name'])}' is not built: ${d} has no checkpoint (build it with \`editlab pretrain --set v2 --model ${String(p['name'])}\`, docs/default-models.md)`);
    }
    return d;
  };
  const shape = (p: Record<string, unknown>): ModelShape => embeddedShape(root, String(p['name']), () => dir(p));
  return {
    id: 'embedded',
    version: '1',
    description: 'The default tiny models pretrained on the synthetic world (models/<name>/, `editlab pretrain`)',
    paramsSchema: { type: 'object', required: ['name'], properties: { name: { enum: [...names], description: 'Which default model.' } } },
    fingerprint: async (p) => checkpointHash(dir(p)),
    shape,
    defaultCorpus: async (p) => worldCorpus(dir(p)),
    about: (p) => aboutCheckpoint(String(p['name']), dir(p)),
    load: async (p) => loadDir(dir(p)),
  };
}

/**
 * An embedded default model finetuned on its world's PISTOL contracts (the papers' "finetuned
 * knowledge" setting, pretrain/finetune.ts): a `build` stage trains it once into the task cache
 * (keyed by the base checkpoint's hash and these params), and every experiment that names it reuses it.
 */
const PISTOL_DEFAULTS = { target: 0.95, roundSteps: 100, maxRounds: 20 } as const;

/** The finetune params, defaulted (the spec validator fills them too; direct callers may not). */
function finetuneParams(p: Record<string, unknown>): { target: number; roundSteps: number; maxRounds: number } {
  const v = (k: keyof typeof PISTOL_DEFAULTS) => Number(p[k] ?? PISTOL_DEFAULTS[k]);
  return { target: v('target'), roundSteps: v('roundSteps'), maxRounds: v('maxRounds') };
}

export function pistolModel(root: string, names: readonly string[]): ModelEntry {
  const base = (p: Record<string, unknown>) => join(root, 'models', String(p['name']));
  return {
    id: 'embedded-pistol',
    version: '1',
    description: 'An embedded default model finetuned on the world\'s PISTOL contract QA until ROUGE-1 recall ≥ target (a cached build stage)',
    paramsSchema: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { enum: [...names], description: 'Which default model to finetune.' },
        target: { type: 'number', minimum: 0, maximum: 1, default: PISTOL_DEFAULTS.target, description: 'Mean ROUGE-1 recall of greedy answers to stop at.' },
        roundSteps: { type: 'integer', minimum: 1, default: PISTOL_DEFAULTS.roundSteps, description: 'Steps between ROUGE checks.' },
        maxRounds: { type: 'integer', minimum: 1, default: PISTOL_DEFAULTS.maxRounds, description: 'Cap on rounds.' },
      },
    },
    fingerprint: async (p) => ({ base: checkpointHash(base(p)), ...finetuneParams(p) }),
    shape: (p) => embeddedShape(root, String(p['name']), () => base(p)),
    defaultCorpus: async (p) => worldCorpus(base(p)),
    about: (p) => ({ base: aboutCheckpoint(String(p['name']), base(p)), finetune: 'PISTOL contracts', ...finetuneParams(p) }),
    build: {
      name: 'finetune-pistol',
      async run(p, ctx) {
        const r = await finetunePistol({ baseDir: base(p), outDir: ctx.dir, seed: ctx.seed, log: () => {}, ...finetuneParams(p) });
        return { dir: r.dir, rouge1Recall: r.rouge1Recall, steps: r.steps, weightsSha256: r.weightsSha256 };
      },
    },
    load: async (_p, ctx) => {
      const built = ctx.built as { dir?: string } | undefined;
      if (!built?.dir) throw new RunnerError('DATA', 'embedded-pistol: the finetune stage produced no checkpoint');
      return loadDir(built.dir);
    },
  };
}
