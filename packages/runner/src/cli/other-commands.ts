// editlab diff | plot | data inspect | data fetch | pretrain.
import { resolve } from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { RunnerError, UsageError } from '../errors';
import { diffTables, directions, formatDiff, readCsv } from '../report/diff';
import { metricUnits, plotSpec, renderSvg, tableTitle } from '../report/plot';
import { metaColumns, recordValues } from '../report/noise';

import type { PlotKind } from '../report/plot';
import { fetchDataset, SOURCES } from '../data/fetch';
import { displayPath } from '../experiment-spec/load';
import { hintFor } from '../util/suggest';
import { parse, str, num, oneOf } from './args';
import { loadRegistries } from './registries';
import { EXIT } from './io';
import type { Io } from './io';

/** `{ [key]: value }` when value is defined, else `{}` (exactOptionalPropertyTypes). */
const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : { [key]: value } as { [P in K]?: V });

export async function diffCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('diff', argv, { registries: { type: 'string' }, all: { type: 'boolean' }, tolerance: { type: 'string' }, 'fail-on-regression': { type: 'boolean' } });
  const [a, b, ...rest] = p.positionals;
  if (!a || !b || rest.length) throw new UsageError('diff: give exactly two CSV files: editlab diff a.csv b.csv');
  const reg = await loadRegistries(io, str(p, 'registries'));
  const [ta, tb] = [readCsv(resolve(io.cwd, a)), readCsv(resolve(io.cwd, b))];
  // Noise-aware unless --tolerance is given: per-record values (and the first table's meta.json), else
  // the first table's interval columns (report/noise.ts).
  const columns = metaColumns(ta.file);
  const tolerance = num(p, 'tolerance');
  const noise = columns ? { columns, reg, ...optional('recordsA', recordValues(ta, columns)), ...optional('recordsB', recordValues(tb, columns)) } : {};
  const d = diffTables(ta, tb, directions(ta.file, reg.metrics), { ...(tolerance === undefined ? {} : { tolerance }), noise });
  io.out(formatDiff(d, a, b, p.values['all'] === true));
  return p.values['fail-on-regression'] === true && d.regressions > 0 ? EXIT.failures : EXIT.ok;
}

export async function plotCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('plot', argv, {
    kind: { type: 'string' }, metric: { type: 'string', short: 'm' }, x: { type: 'string' }, y: { type: 'string' }, series: { type: 'string' },
    title: { type: 'string' }, out: { type: 'string', short: 'o' }, width: { type: 'string' }, height: { type: 'string' }, registries: { type: 'string' },
  });
  const [csv, ...rest] = p.positionals;
  if (!csv || rest.length) throw new UsageError('plot: give one CSV file: editlab plot results/t.csv --kind bar --metric efficacy');
  const kind = oneOf<PlotKind>('kind', str(p, 'kind'), ['bar', 'line', 'radar', 'heatmap']) ?? 'bar';
  const metrics = (str(p, 'metric') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!metrics.length) throw new UsageError('plot: name the metric column(s) with --metric a[,b,…]');
  const table = readCsv(resolve(io.cwd, csv));
  const reg = await loadRegistries(io, str(p, 'registries'));
  const spec = plotSpec(table, {
    kind, metrics, units: metricUnits(table.header, reg.metrics), title: str(p, 'title') ?? tableTitle(resolve(io.cwd, csv)),
    ...(str(p, 'x') ? { x: str(p, 'x')! } : {}),
    ...(str(p, 'y') ? { y: str(p, 'y')! } : {}),
    ...(str(p, 'series') ? { series: str(p, 'series')! } : {}),
    ...(num(p, 'width') ? { width: num(p, 'width')! } : {}),
    ...(num(p, 'height') ? { height: num(p, 'height')! } : {}),
  });
  const out = resolve(io.cwd, str(p, 'out') ?? csv.replace(/\.csv$/, '') + `.${kind}.svg`);
  writeFileAtomic(out, await renderSvg(spec));
  io.out(`wrote ${displayPath(out, io.cwd)}`);
  return EXIT.ok;
}

export async function dataCmd(argv: readonly string[], io: Io): Promise<number> {
  const [sub, ...args] = argv;
  if (sub === 'inspect') {
    const p = parse('data inspect', args, { format: { type: 'string' }, registries: { type: 'string' } });
    const [file, ...rest] = p.positionals;
    if (!file || rest.length) throw new UsageError('data inspect: give one dataset file: editlab data inspect data/counterfact.json [--format counterfact]');
    const reg = await loadRegistries(io, str(p, 'registries'));
    if (!reg.data) throw new RunnerError('NOT_AVAILABLE', 'data inspect: no dataset loaders are registered (the datasets package provides them)');
    const format = str(p, 'format');
    if (format !== undefined && !reg.data.formats.includes(format)) {
      throw new UsageError(`data inspect: unknown format '${format}' (${hintFor(format, reg.data.formats)})`);
    }
    const r = await reg.data.inspect(resolve(io.cwd, file), format);
    io.out(`${file}: format ${r.format} (${r.detected ? 'detected' : 'given'}), ${r.records} record(s), ${r.malformed.length} malformed`);
    for (const m of r.malformed) io.out(`  ${displayPath(m.file, io.cwd)} [${m.index}] ${m.field}: ${m.message}`);
    return r.malformed.length ? EXIT.failures : EXIT.ok;
  }
  if (sub === 'fetch') {
    const p = parse('data fetch', args, { dest: { type: 'string' }, timeout: { type: 'string' }, list: { type: 'boolean' } });
    if (p.values['list'] === true || !p.positionals.length) {
      for (const s of SOURCES) io.out(`${s.name.padEnd(12)} ${s.description} [${s.license}]`);
      if (!p.positionals.length && p.values['list'] !== true) throw new UsageError('data fetch: name a dataset (listed above)');
      return EXIT.ok;
    }
    const dest = resolve(io.cwd, str(p, 'dest') ?? 'data');
    for (const name of p.positionals) {
      const files = await fetchDataset(name, { dest, timeoutMs: (num(p, 'timeout') ?? 10) * 1000, log: (l) => io.err(l) });
      for (const f of files) io.out(`ok  ${displayPath(f, io.cwd)}`);
    }
    return EXIT.ok;
  }
  throw new UsageError(`data: unknown subcommand '${sub ?? ''}' (use: data inspect <file>, data fetch <name>)`);
}
