// Where a table's files go, and writing them atomically: <results>/<output>.csv, .meta.json beside
// it, .timing.json (volatile), and the shard files of a sharded run.
import { resolve, relative, isAbsolute } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { RunnerError } from '../errors';
import type { RenderedTable } from './table';
import type { Spec } from '../experiment-spec/types';
import { parseCsv } from './diff';
import { metricUnits, plotSpec, renderSvg } from './plot';
import type { MetricEntry } from '../registries';

export interface TablePaths {
  readonly csv: string;
  readonly meta: string;
  readonly timing: string;
  /** The per-record values behind an aggregate table's rows (read by `editlab diff`). */
  readonly records: string;
  /** The edit targets a dataset's targets stage wrote (self-improvement), when the table has one. */
  readonly targets: string;
  shard(index: number, count: number): string;
}

export function tablePaths(resultsDir: string, output: string): TablePaths {
  const csv = resolve(resultsDir, output);
  const rel = relative(resolve(resultsDir), csv);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new RunnerError('USAGE', `output '${output}' escapes the results directory ${resultsDir}`);
  }
  const stem = csv.replace(/\.csv$/, '');
  return {
    csv,
    meta: `${stem}.meta.json`,
    timing: `${stem}.timing.json`,
    records: `${stem}.records.csv`,
    targets: `${stem}.targets.csv`,
    shard: (i, n) => `${stem}.shard-${i}-of-${n}.json`,
  };
}

export function writeTable(paths: TablePaths, t: RenderedTable): void {
  writeFileAtomic(paths.meta, t.meta);
  writeFileAtomic(paths.timing, t.timing);
  if (t.records !== undefined) writeFileAtomic(paths.records, t.records);
  if (t.targets !== undefined) writeFileAtomic(paths.targets, t.targets);
  writeFileAtomic(paths.csv, t.csv); // last: a present CSV implies its meta is present
}

/** Draw the spec's `plots:` from the rendered CSV; returns the SVG paths written. */
export async function writePlots(resultsDir: string, spec: Spec, t: RenderedTable, metrics?: ReadonlyMap<string, MetricEntry>): Promise<string[]> {
  const table = parseCsv(spec.output, t.csv);
  const out: string[] = [];
  const units = metrics ? metricUnits(table.header, metrics) : {};
  for (const p of spec.plots ?? []) {
    const path = tablePaths(resultsDir, p.output.replace(/\.svg$/, '.csv')).csv.replace(/\.csv$/, '.svg');
    const { output: _o, ...opts } = p;
    writeFileAtomic(path, await renderSvg(plotSpec(table, { title: spec.description ?? spec.name, units, ...opts })));
    out.push(path);
  }
  return out;
}
