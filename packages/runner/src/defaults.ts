// The built-in registries: what `editlab` runs without --registries. Each entry adapts a real
// package onto the runner's narrow interfaces (registries.ts). The environment records the tfjs
// backend and the versions of the editlab packages, deterministically (no host names, no times).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { initBackend, METHODS } from '@editlab/engine';
import type { Registries } from './registries';
import { datasetInspector } from './adapters/datasets';
import { checkpointModel, embeddedModel, pistolModel } from './adapters/models';
import { EDIT_DATASETS } from './adapters/edit-datasets';
import { EDIT_METRICS } from './adapters/edit-metrics';
import { UNLEARN_DATASETS } from './adapters/unlearn-datasets';
import { UNLEARN_METRICS } from './adapters/unlearn-metrics';
import { methodEntry } from './adapters/methods';
import { byId } from './registries';
import { DEFAULT_MODEL_NAMES } from './pretrain/presets';
import type { JsonObject } from './util/json';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Versions of the workspace packages (read from their package.json files, not imported). */
export function packageVersions(root = ROOT): JsonObject {
  const out: JsonObject = {};
  for (const p of ['engine', 'datasets', 'metrics', 'runner']) {
    const f = join(root, 'packages', p, 'package.json');
    if (existsSync(f)) out[`@editlab/${p}`] = (JSON.parse(readFileSync(f, 'utf8')) as { version: string }).version;
  }
  return out;
}

export async function backendEnvironment(): Promise<JsonObject> {
  const b = await initBackend();
  return { name: b.name, provider: b.provider, tfjs: b.tfjsVersion, matmul: b.matmul };
}

export function defaultRegistries(): Registries {
  return {
    models: byId([checkpointModel, embeddedModel(ROOT, DEFAULT_MODEL_NAMES), pistolModel(ROOT, DEFAULT_MODEL_NAMES)]),
    datasets: byId([...EDIT_DATASETS, ...UNLEARN_DATASETS]),
    methods: byId(METHODS.map(methodEntry)),
    metrics: byId([...EDIT_METRICS, ...UNLEARN_METRICS]),
    environment: async () => ({ backend: await backendEnvironment(), versions: packageVersions(), node: process.versions.node.split('.')[0]! }),
    data: datasetInspector,
  };
}
