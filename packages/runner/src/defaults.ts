// The built-in registries: what `editlab` runs without --registries. Each entry adapts a real
// package onto the runner's narrow interfaces (registries.ts). The environment records what computes
// the numbers, deterministically (no host names, no times, no thread counts): the tfjs backend, the
// kernel path (matmul, native element-wise and fused kernels, the addon's build flags and BLAS), the
// identity of the code (plan/provenance.ts) and the versions of the editlab packages. It is part of every
// task key and is stored with every cached cell.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { backendInfo, initBackend, METHODS } from '@editlab/engine';
import type { Registries } from './registries';
import { datasetInspector } from './adapters/datasets';
import { checkpointModel, embeddedModel, hfModel, pistolModel } from './adapters/models';
import { factsModel } from './adapters/facts-model';
import { modelCacheDir } from './models/hub';
import { EDIT_DATASETS } from './adapters/edit-datasets';
import { EDIT_METRICS } from './adapters/edit-metrics';
import { CASE_STUDY_METRICS } from './adapters/case-study';
import { UNLEARN_DATASETS } from './adapters/unlearn-datasets';
import { UNLEARN_METRICS } from './adapters/unlearn-metrics';
import { REFUSAL_QUALITY_METRICS } from './adapters/refusal-quality';
import { GENERAL_METRICS } from './adapters/general-metrics';
import { methodEntry } from './adapters/methods';
import { byId } from './registries';
import { DEFAULT_MODEL_NAMES } from './pretrain/presets';
import { codeIdentity, UNKEYED_ENVIRONMENT } from './plan/provenance';
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

/** The backend and its kernel path: which matmul and with how many OpenBLAS threads, whether the native element-wise
 * and fused kernels run, and the native build's flags. The thread count is keyed: OpenBLAS blocks the inner dimension
 * of a threaded product by thread count, so 1 and 2 threads give other last bits for some shapes (K = 464, the side
 * models' 16 × 29-token batches; docs/engine-speed.md "Threads", bench/thread-bits.ts). */
export async function backendEnvironment(): Promise<JsonObject> {
  const b = await initBackend();
  const k = b.wasmKernels;
  const kernels: JsonObject | undefined = k && {
    native: k.native !== undefined && (k.matmul === 'openblas' || k.nativeElementwise || k.fused),
    elementwise: k.nativeElementwise ? 'native' : 'wasm',
    fused: k.fused,
    ...(k.blasThreads !== undefined ? { blasThreads: k.blasThreads } : {}),
    ...(k.native ? { build: { cflags: k.native.cflags, compiler: k.native.compiler } } : {}),
  };
  return { name: b.name, provider: b.provider, tfjs: b.tfjsVersion, matmul: b.matmul, ...(kernels ? { kernels } : {}) };
}

/** The machine, recorded but not part of task keys (plan/provenance.ts UNKEYED_ENVIRONMENT): the
 * instruction set the native build targets and the BLAS core OpenBLAS selected. */
function machineEnvironment(): JsonObject | undefined {
  const n = backendInfo()?.wasmKernels?.native;
  return n ? { isa: n.isa, blas: n.blas } : undefined;
}

/** The environment of this process (the registries' `environment`). */
export async function environment(): Promise<JsonObject> {
  const backend = await backendEnvironment();
  const machine = machineEnvironment();
  return {
    backend, code: codeIdentity(ROOT).sha256, versions: packageVersions(), node: process.versions.node.split('.')[0]!,
    ...(machine ? { [UNKEYED_ENVIRONMENT]: machine } : {}),
  };
}

export function defaultRegistries(): Registries {
  return {
    models: byId([checkpointModel, embeddedModel(ROOT, DEFAULT_MODEL_NAMES), pistolModel(ROOT, DEFAULT_MODEL_NAMES), factsModel(DEFAULT_MODEL_NAMES), hfModel(() => modelCacheDir(process.env))]),
    datasets: byId([...EDIT_DATASETS, ...UNLEARN_DATASETS]),
    methods: byId(METHODS.map(methodEntry)),
    metrics: byId([...EDIT_METRICS, ...CASE_STUDY_METRICS, ...UNLEARN_METRICS, ...REFUSAL_QUALITY_METRICS, ...GENERAL_METRICS]),
    environment,
    data: datasetInspector,
  };
}
