// The checks of a spec that need the registries' entries, not only the schema (run by validateSpec):
//   - every method takes the kind of request every dataset yields (DatasetEntry.requestKind, default
//     'rewrite'; MethodEntry.accepts, default ['rewrite']) — e.g. a forget-only method on a fact-rewrite
//     dataset is rejected at the method item;
//   - a method with a `reads: tuning` stage is paired only with datasets that have a tuning split;
//   - a protocol with `merge` (query merging) is paired only with datasets of forget requests;
//   - a dataset's `retain:` names exactly one of a dataset or a split the dataset has;
//   - every method variant's params fit every model's shape (MethodEntry.check against ModelEntry.shape,
//     read from config.json without loading weights) — a layer the model lacks, ForGet's "forget weaker
//     than learn" rule — reported at the param that is wrong.
import type { SpecDiagnostic } from '../errors';
import type { ModelShape, Registries, RunContext } from '../registries';
import { expandAxis, expandMethods } from '../plan/expand';
import type { JsonObject } from '../util/json';
import type { LoadedSpec } from './load';
import { diagnosticAt, toPointer } from './source';
import { protocolLabel, type Spec } from './types';

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

function requestKinds(spec: Spec, loaded: LoadedSpec, reg: Registries): SpecDiagnostic[] {
  const out: SpecDiagnostic[] = [];
  spec.methods.forEach((m, i) => {
    const accepts = reg.methods.get(m.method)!.accepts ?? ['rewrite'];
    const tuningStage = (reg.methods.get(m.method)!.stages ?? []).find((s) => s.reads === 'tuning');
    spec.datasets.forEach((d, j) => {
      const entry = reg.datasets.get(d.dataset)!;
      if (tuningStage && (!entry.tuning || (entry.hasTuning && !entry.hasTuning({ ...d.params, ...firstOfMatrix(d.matrix) })))) {
        out.push(diagnosticAt(
          loaded.sources, toPointer(['methods', i, 'method']),
          `method '${m.method}' trains its ${tuningStage.name} stage on a dataset's tuning split, and dataset '${d.label ?? d.dataset}' (datasets item ${j}) has none`,
          entry.tuning
            ? `give '${d.dataset}' one (edit-file: tuningRecords: N, the file's first N records, with offset ≥ N; or tuningPath: another file)`
            : 'use a world dataset (world-counterfact, world-zsre): their tuning split is the version 2 world\'s',
        ));
      }
      const kind = reg.datasets.get(d.dataset)!.requestKind ?? 'rewrite';
      if (!accepts.includes(kind)) {
        out.push(diagnosticAt(
          loaded.sources, toPointer(['methods', i, 'method']),
          `method '${m.method}' takes ${accepts.join(' or ')} requests, but dataset '${d.label ?? d.dataset}' (datasets item ${j}) yields ${kind} requests`,
          `pair '${m.method}' with a dataset of ${accepts.join(' or ')} requests, or use a method that takes ${kind} requests`,
        ));
      }
    });
  });
  return out;
}

/** A dataset's `models:` names model items by label. */
function datasetModels(spec: Spec, loaded: LoadedSpec): SpecDiagnostic[] {
  const labels = spec.models.map((m) => m.label ?? m.model);
  return spec.datasets.flatMap((d, j) => (d.models ?? []).flatMap((name, k) =>
    labels.includes(name) ? [] : [diagnosticAt(loaded.sources, toPointer(['datasets', j, 'models', k]), `no model item is labelled '${name}'`, `model labels: ${labels.join(', ')}`)]));
}

/** Query merging (`merge`, exec/merge.ts) joins forget questions: every dataset must yield forget requests. */
function mergeProtocols(spec: Spec, loaded: LoadedSpec, reg: Registries): SpecDiagnostic[] {
  return spec.protocols.flatMap((p, i) => {
    if (p.kind !== 'unlearn' || p.merge === undefined) return [];
    return spec.datasets.flatMap((d, j) => {
      const kind = reg.datasets.get(d.dataset)!.requestKind ?? 'rewrite';
      return kind === 'forget' ? [] : [diagnosticAt(
        loaded.sources, toPointer(['protocols', i, 'merge']),
        `query merging joins forget questions, but dataset '${d.label ?? d.dataset}' (datasets item ${j}) yields ${kind} requests`,
        'use merge with an unlearning dataset (world-tofu, world-pistol, unlearn-file)',
      )];
    });
  });
}

/** A method's `protocols:` names protocols of the spec by their table label. */
function methodProtocols(spec: Spec, loaded: LoadedSpec): SpecDiagnostic[] {
  const labels = spec.protocols.map(protocolLabel);
  return spec.methods.flatMap((m, i) => (m.protocols ?? []).flatMap((name, k) =>
    labels.includes(name) ? [] : [diagnosticAt(loaded.sources, toPointer(['methods', i, 'protocols', k]), `no protocol of this spec is labelled '${name}'`, `protocol labels: ${labels.join(', ')}`)]));
}

/** A method's `datasets:` names dataset items by label. */
function methodDatasets(spec: Spec, loaded: LoadedSpec): SpecDiagnostic[] {
  const labels = spec.datasets.map((d) => d.label ?? d.dataset);
  return spec.methods.flatMap((m, i) => (m.datasets ?? []).flatMap((name, k) =>
    labels.includes(name) ? [] : [diagnosticAt(loaded.sources, toPointer(['methods', i, 'datasets', k]), `no dataset item is labelled '${name}'`, `dataset labels: ${labels.join(', ')}`)]));
}

function retainSets(spec: Spec, loaded: LoadedSpec, reg: Registries): SpecDiagnostic[] {
  const out: SpecDiagnostic[] = [];
  spec.datasets.forEach((d, j) => {
    const r = d.retain;
    if (!r) return;
    const at = toPointer(['datasets', j, 'retain']);
    if ((r.dataset === undefined) === (r.split === undefined)) {
      out.push(diagnosticAt(loaded.sources, at, 'retain: names exactly one of `dataset` or `split`'));
    } else if (r.split !== undefined) {
      const splits = reg.datasets.get(d.dataset)!.splits ?? [];
      if (!splits.includes(r.split)) {
        out.push(diagnosticAt(loaded.sources, toPointer(['datasets', j, 'retain', 'split']), `dataset '${d.dataset}' has no split '${r.split}'`, splits.length ? `its splits: ${splits.join(', ')}` : 'it has no named splits; name a retain `dataset:` instead'));
      }
    } else if (r.params !== undefined && r.dataset === undefined) {
      out.push(diagnosticAt(loaded.sources, at, 'retain: `params` go with a retain `dataset`'));
    }
  });
  return out;
}

/** Where a method param was written: the matrix key if swept, the params key if set, else the item. */
function paramPointer(loaded: LoadedSpec, i: number, param: string): string {
  const raw = (loaded.value['methods'] as { params?: JsonObject; matrix?: JsonObject }[] | undefined)?.[i];
  const path = param ? param.split('.') : [];
  const top = path[0];
  if (top !== undefined && raw?.matrix && top in raw.matrix) return toPointer(['methods', i, 'matrix', top]);
  if (top !== undefined && raw?.params && top in raw.params) return toPointer(['methods', i, 'params', ...path]);
  return toPointer(['methods', i]);
}

function shapes(spec: Spec, loaded: LoadedSpec, reg: Registries, ctx: RunContext): SpecDiagnostic[] {
  const out: SpecDiagnostic[] = [];
  const models: { label: string; shape: ModelShape }[] = [];
  spec.models.forEach((item, i) => {
    for (const v of expandAxis([item])) {
      const entry = reg.models.get(v.id)!;
      if (!entry.shape) continue;
      try {
        models.push({ label: v.label, shape: entry.shape(v.params, ctx) });
      } catch (e) {
        out.push(diagnosticAt(loaded.sources, toPointer(['models', i]), `model '${v.label}': ${message(e)}`));
      }
    }
  });
  const seen = new Set<string>();
  for (const variant of expandMethods(spec.methods)) {
    const entry = reg.methods.get(variant.method)!;
    if (!entry.check) continue;
    for (const m of models) {
      let problems;
      try {
        problems = entry.check(variant.params, m.shape);
      } catch (e) {
        problems = [{ param: '', message: message(e) }];
      }
      for (const p of problems) {
        const pointer = paramPointer(loaded, variant.index, p.param);
        const text = `${variant.method}: ${p.param ? `param '${p.param}': ` : ''}${p.message} (model '${m.label}')`;
        if (seen.has(`${pointer}|${text}`)) continue;
        seen.add(`${pointer}|${text}`);
        out.push(diagnosticAt(loaded.sources, pointer, text));
      }
    }
  }
  return out;
}

export function methodChecks(spec: Spec, loaded: LoadedSpec, reg: Registries, ctx: RunContext): SpecDiagnostic[] {
  return [...requestKinds(spec, loaded, reg), ...datasetModels(spec, loaded), ...methodProtocols(spec, loaded), ...methodDatasets(spec, loaded), ...mergeProtocols(spec, loaded, reg), ...retainSets(spec, loaded, reg), ...shapes(spec, loaded, reg, ctx)];
}

/** A matrix's first value per param (which params it sets is what counts here). */
function firstOfMatrix(matrix: Readonly<Record<string, readonly unknown[]>> | undefined): JsonObject {
  return Object.fromEntries(Object.entries(matrix ?? {}).map(([k, v]) => [k, v[0]])) as JsonObject;
}
