// `editlab plot`: SVG charts of a result CSV — grouped bars, lines and radar (the unlearning
// paper's Figures 3, 4 and 6), and heatmaps (causal tracing, ROME Fig. 1: x = layer, y = token, colour = effect,
// one panel per value of --series). Rendered headless with Vega (vega-lite compiles bars and lines;
// the radar is a plain Vega spec after Vega's radar example), so the same spec renders in the
// online Vega editor too. Output is deterministic for the same CSV.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { RunnerError } from '../errors';
import type { CsvTable } from './diff';
import type { MetricEntry } from '../registries';
import { hasValues, KEY_COLUMNS } from './table';

export type PlotKind = 'bar' | 'line' | 'radar' | 'heatmap';

export interface PlotOptions {
  readonly kind: PlotKind;
  readonly metrics: readonly string[];
  /** Category on the x axis (bar, line); default 'method' for bars, 'protocol' for lines. */
  readonly x?: string;
  /** Series (colour); default: the key columns that vary and are not x, joined. Heatmap: one panel per value. */
  readonly series?: string;
  /** Heatmap: the row category (required with x). */
  readonly y?: string;
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
  /** Unit of a metric column for its axis title, e.g. { efficacy: '%' } (the CLI reads it from the metric registry). */
  readonly units?: Readonly<Record<string, string>>;
}

interface Point {
  x: string;
  series: string;
  metric: string;
  value: number;
  lo?: number;
  hi?: number;
}

/**
 * A metric's interval columns, when the table has them: `<m>.lo`/`<m>.hi`, `<m>_lo`/`<m>_hi`,
 * `<m>-lo`/`<m>-hi` or `<m>_ci_lo`/`<m>_ci_hi` (a 95% interval beside the metric's own column).
 */
export function intervalColumns(header: readonly string[], m: string): { lo: string; hi: string } | undefined {
  for (const [lo, hi] of [['.lo', '.hi'], ['_lo', '_hi'], ['-lo', '-hi'], ['_ci_lo', '_ci_hi']] as const) {
    if (header.includes(m + lo) && header.includes(m + hi)) return { lo: m + lo, hi: m + hi };
  }
  return undefined;
}

/** Break a label into lines of about `width` characters at spaces, never inside a word (axis labels are wrapped, not cut). */
export function wrapLabel(s: string, width = 14): string {
  const lines: string[] = [];
  for (const w of s.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + w.length <= width) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w);
  }
  return lines.join('\n');
}

/** The key columns the series encodes: the one given, or those that vary (besides x). */
function seriesFields(t: CsvTable, exclude: string | undefined, field: string | undefined): string[] {
  if (field) return [field];
  const varying = KEY_COLUMNS.filter((k) => k !== exclude && t.header.includes(k) && new Set(t.rows.map((r) => r[k])).size > 1);
  return varying.length ? varying : ['method'];
}

const SERIES = 'series';

function seriesOf(t: CsvTable, exclude: string | undefined, field: string | undefined): (r: Record<string, string>) => string {
  const fields = seriesFields(t, exclude, field);
  return (r) => fields.map((k) => r[k] ?? '').join(' · ');
}

export function plotPoints(t: CsvTable, o: PlotOptions): Point[] {
  for (const m of o.metrics) {
    if (!t.header.includes(m)) throw new RunnerError('PLOT', `${t.file}: no column '${m}' (columns: ${t.header.join(', ')})`);
  }
  for (const f of [o.x, o.series]) {
    if (f && !t.header.includes(f)) throw new RunnerError('PLOT', `${t.file}: no column '${f}' (columns: ${t.header.join(', ')})`);
  }
  const x = o.x ?? (o.kind === 'line' ? 'protocol' : 'method');
  const series = seriesOf(t, o.kind === 'radar' ? undefined : x, o.series);
  const pts: Point[] = [];
  const intervals = new Map(o.metrics.map((m) => [m, intervalColumns(t.header, m)]));
  for (const r of t.rows) {
    if (r['status'] && !hasValues(r['status'])) continue; // collapsed / no-forgetting rows keep their values
    for (const m of o.metrics) {
      const v = Number(r[m]);
      if (r[m] === '' || !Number.isFinite(v)) continue;
      const iv = intervals.get(m);
      const lo = iv && r[iv.lo] !== '' ? Number(r[iv.lo]) : NaN;
      const hi = iv && r[iv.hi] !== '' ? Number(r[iv.hi]) : NaN;
      pts.push({ x: r[x] ?? '', series: series(r), metric: m, value: v, ...(Number.isFinite(lo) && Number.isFinite(hi) ? { lo, hi } : {}) });
    }
  }
  if (!pts.length) throw new RunnerError('PLOT', `${t.file}: no finite values of ${o.metrics.join(', ')} to plot`);
  return pts;
}

/** A metric's axis title: its name and unit, e.g. "efficacy (%)". */
function axisTitle(m: string, o: PlotOptions): string {
  const unit = o.units?.[m];
  return unit ? `${m} (${unit})` : m;
}

function liteSpec(pts: Point[], o: PlotOptions, legend: string): TopLevelSpec {
  const many = o.metrics.length > 1;
  const order = (f: keyof Point) => [...new Set(pts.map((p) => String(p[f])))];
  const units = new Set(o.metrics.map((m) => o.units?.[m] ?? ''));
  const xTitle = o.x ?? (o.kind === 'line' ? 'protocol' : 'method');
  const xOrder = order('x').map((x) => wrapLabel(x));
  const x = { field: 'x', type: 'ordinal' as const, title: xTitle, sort: xOrder, axis: { labelExpr: "split(datum.label, '\\n')", labelLimit: 0, labelAngle: 0 } };
  const color = { field: SERIES, type: 'nominal' as const, title: legend, sort: order('series'), legend: { labelLimit: 0 } };
  const offset = o.kind === 'bar' ? { xOffset: { field: SERIES, type: 'nominal' as const, sort: order('series') } } : {};
  // One panel per metric: each panel's y axis is titled by its metric (with its unit) through the facet
  // header; a single metric titles the y axis itself.
  const yTitle = many ? (units.size === 1 && [...units][0] ? `value (${[...units][0]})` : 'value') : axisTitle(o.metrics[0]!, o);
  const y = { field: 'value', type: 'quantitative' as const, title: yTitle };
  const layers: object[] = [{ mark: o.kind === 'bar' ? { type: 'bar' } : { type: 'line', point: true }, encoding: { x, y, color, ...offset } }];
  if (pts.some((p) => p.lo !== undefined)) {
    layers.push({
      mark: { type: 'errorbar', ticks: true },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' }, ...(o.kind === 'bar' ? { xOffset: offset.xOffset, detail: { field: SERIES } } : { color }) },
    });
  }
  const inner = { width: o.width ?? 240, height: o.height ?? 200, layer: layers };
  const values = pts.map((p) => ({ x: wrapLabel(p.x), [SERIES]: p.series, metric: many ? axisTitle(p.metric, o) : p.metric, value: p.value, ...(p.lo !== undefined ? { lo: p.lo, hi: p.hi } : {}) }));
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...(o.title ? { title: o.title } : {}), data: { values } };
  if (!many) return { ...base, ...inner } as TopLevelSpec;
  return {
    ...base,
    facet: { column: { field: 'metric', type: 'nominal', sort: o.metrics.map((m) => axisTitle(m, o)), title: null } },
    spec: inner,
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/** Vega radar (after vega.github.io/vega/examples/radar-chart): one closed polygon per series. */
function radarSpec(pts: Point[], o: PlotOptions, legend: string): vega.Spec {
  const size = o.width ?? 360;
  const table = pts.map((p) => ({ key: p.metric, value: p.value, category: p.series }));
  const angle = "scale('angular', datum.key)";
  return {
    $schema: 'https://vega.github.io/schema/vega/v5.json',
    width: size,
    height: size,
    padding: { left: 60, right: 220, top: 50, bottom: 50 },
    autosize: { type: 'none', contains: 'padding' },
    ...(o.title ? { title: { text: o.title, anchor: 'start', offset: 30 } } : {}),
    signals: [{ name: 'radius', update: 'width / 2' }],
    data: [
      { name: 'table', values: table },
      { name: 'keys', source: 'table', transform: [{ type: 'aggregate', groupby: ['key'] }] },
    ],
    scales: [
      { name: 'angular', type: 'point', range: { signal: '[-PI, PI]' }, padding: 0.5, domain: [...o.metrics] },
      { name: 'radial', type: 'linear', range: { signal: '[0, radius]' }, zero: true, nice: false, domain: { data: 'table', field: 'value' }, domainMin: 0 },
      { name: 'color', type: 'ordinal', domain: { data: 'table', field: 'category', sort: false }, range: { scheme: 'category10' } },
    ],
    encode: { enter: { x: { signal: 'radius' }, y: { signal: 'radius' } } },
    legends: [{ fill: 'color', title: legend, labelLimit: 0, orient: 'none', legendX: { signal: 'radius + 40' }, legendY: { signal: '-radius' } }],
    marks: [
      {
        type: 'group', name: 'categories', zindex: 1,
        from: { facet: { data: 'table', name: 'facet', groupby: ['category'] } },
        marks: [{
          type: 'line', name: 'category-line', from: { data: 'facet' },
          encode: { enter: {
            interpolate: { value: 'linear-closed' },
            x: { signal: `scale('radial', datum.value) * cos(${angle})` },
            y: { signal: `scale('radial', datum.value) * sin(${angle})` },
            stroke: { scale: 'color', field: 'category' }, strokeWidth: { value: 1.5 },
            fill: { scale: 'color', field: 'category' }, fillOpacity: { value: 0.1 },
          } },
        }],
      },
      {
        type: 'rule', name: 'radial-grid', from: { data: 'keys' }, zindex: 0,
        encode: { enter: {
          x: { value: 0 }, y: { value: 0 },
          x2: { signal: `radius * cos(${angle})` }, y2: { signal: `radius * sin(${angle})` },
          stroke: { value: 'lightgray' }, strokeWidth: { value: 1 },
        } },
      },
      {
        type: 'text', name: 'key-label', from: { data: 'keys' }, zindex: 1,
        encode: { enter: {
          x: { signal: `(radius + 5) * cos(${angle})` }, y: { signal: `(radius + 5) * sin(${angle})` },
          text: { field: 'key' },
          align: [{ test: `abs(${angle}) > PI / 2`, value: 'right' }, { value: 'left' }],
          baseline: [{ test: `${angle} > 0`, value: 'top' }, { test: `${angle} == 0`, value: 'middle' }, { value: 'bottom' }],
          fill: { value: 'black' }, fontWeight: { value: 'bold' },
        } },
      },
      {
        type: 'line', name: 'outer-line', from: { data: 'radial-grid' },
        encode: { enter: { interpolate: { value: 'linear-closed' }, x: { field: 'x2' }, y: { field: 'y2' }, stroke: { value: 'lightgray' }, strokeWidth: { value: 1 } } },
      },
    ],
  } as vega.Spec;
}

/** Heatmap cells: one rect per (x, y) in each panel, coloured by the metric (rows and columns in CSV order). */
function heatmapSpec(t: CsvTable, o: PlotOptions): TopLevelSpec {
  const [metric, ...more] = o.metrics;
  if (!o.x || !o.y || !metric || more.length) throw new RunnerError('PLOT', 'a heatmap needs --x and --y columns and exactly one --metric');
  for (const f of [o.x, o.y, metric, ...(o.series ? [o.series] : [])]) {
    if (!t.header.includes(f)) throw new RunnerError('PLOT', `${t.file}: no column '${f}' (columns: ${t.header.join(', ')})`);
  }
  const values = t.rows.filter((r) => r[metric] !== '' && Number.isFinite(Number(r[metric])))
    .map((r) => ({ x: r[o.x!]!, y: r[o.y!]!, panel: o.series ? r[o.series]! : '', value: Number(r[metric]) }));
  if (!values.length) throw new RunnerError('PLOT', `${t.file}: no finite values of ${metric} to plot`);
  const order = (f: 'x' | 'y' | 'panel') => [...new Set(values.map((v) => v[f]))];
  const inner = {
    width: o.width ?? 160,
    height: o.height ?? 160,
    mark: { type: 'rect' as const },
    encoding: {
      x: { field: 'x', type: 'ordinal' as const, title: o.x, sort: order('x') },
      y: { field: 'y', type: 'ordinal' as const, title: o.y, sort: order('y') },
      color: { field: 'value', type: 'quantitative' as const, title: metric, scale: { scheme: 'purples' } },
    },
  };
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...(o.title ? { title: o.title } : {}), data: { values } };
  if (!o.series) return { ...base, ...inner } as TopLevelSpec;
  return { ...base, facet: { column: { field: 'panel', type: 'nominal', sort: order('panel'), title: o.series } }, spec: inner, resolve: { scale: { color: 'independent' } } } as TopLevelSpec;
}

export function plotSpec(t: CsvTable, o: PlotOptions): vega.Spec {
  if (o.kind === 'heatmap') return compile(heatmapSpec(t, o)).spec as vega.Spec;
  const pts = plotPoints(t, o);
  const legend = seriesFields(t, o.kind === 'radar' ? undefined : (o.x ?? (o.kind === 'line' ? 'protocol' : 'method')), o.series).join(' · ');
  if (o.kind === 'radar') {
    if (o.metrics.length < 3) throw new RunnerError('PLOT', 'a radar plot needs at least 3 metrics (--metric a,b,c)');
    return radarSpec(pts, o, legend);
  }
  return compile(liteSpec(pts, o, legend)).spec as vega.Spec;
}

/** Units of the table's metric columns from the metric registry: '%' for metrics printed × 100. */
export function metricUnits(header: readonly string[], metrics: ReadonlyMap<string, MetricEntry>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of header) if (metrics.get(c.replace(/@each$/, ''))?.scale === 100) out[c] = '%';
  return out;
}

/** A table's title: its spec's description or name from the meta file beside it, else the file's name. */
export function tableTitle(csvPath: string): string {
  try {
    const meta = JSON.parse(readFileSync(csvPath.replace(/\.csv$/, '.meta.json'), 'utf8')) as { spec?: { description?: string; name?: string } };
    const t = meta.spec?.description ?? meta.spec?.name;
    if (t) return t;
  } catch {
    // no meta file (a CSV from elsewhere): the file name
  }
  return basename(csvPath).replace(/\.csv$/, '');
}

/** Render to SVG text without a browser (Vega's headless View, no canvas needed for SVG). Vega numbers the
 *  gradients of colour legends with a process-wide counter; they are renumbered from 0 so equal specs give equal bytes. */
export async function renderSvg(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const ids = new Map<string, string>();
    return svg.replace(/gradient_\d+/g, (id) => {
      if (!ids.has(id)) ids.set(id, `gradient_${ids.size}`);
      return ids.get(id)!;
    });
  } finally {
    view.finalize();
  }
}
