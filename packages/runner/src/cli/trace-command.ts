// editlab trace: causal tracing of a default model's known facts → CSV + heatmap (locate/trace.ts), and the edit
// layer it finds written into the model's card (pretrain/edit-layer.ts). `--from <trace.csv>` writes the card from
// an existing trace table without tracing again; `--no-card` traces without touching the model directory.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { initBackend, type TraceKind } from '@editlab/engine';
import { UsageError } from '../errors';
import { embeddedModel } from '../adapters/models';
import type { EngineModel } from '../adapters/engine';
import { worldCounterfact } from '../adapters/edit-datasets';
import { DEFAULT_MODEL_NAMES } from '../pretrain/presets';
import { knownFacts, traceCsv, traceTable } from '../locate/trace';
import { parseCsv } from '../report/diff';
import { plotSpec, renderSvg } from '../report/plot';
import { writeFileAtomic } from '../util/atomic';
import { displayPath } from '../experiment-spec/load';
import { writeEditLayer } from '../pretrain/edit-layer';
import { readCheckpointConfig, modelShape } from '@editlab/engine';
import { relative, join } from 'node:path';
import type { EditRequest } from '../registries';
import { num, oneOf, parse, str } from './args';
import { EXIT, type Io } from './io';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const KINDS: readonly TraceKind[] = ['hidden', 'mlp', 'attn'];

export async function traceCmd(argv: readonly string[], io: Io): Promise<number> {
  const p = parse('trace', argv, { model: { type: 'string' }, facts: { type: 'string' }, samples: { type: 'string' }, kind: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string', short: 'o' }, from: { type: 'string' }, 'no-card': { type: 'boolean' } });
  if (p.positionals.length) throw new UsageError('trace: takes no positional arguments: editlab trace --model tiny-gpt2');
  const name = oneOf('model', str(p, 'model'), DEFAULT_MODEL_NAMES);
  if (!name) throw new UsageError(`trace: name a default model with --model (${DEFAULT_MODEL_NAMES.join(', ')})`);
  const kinds = (str(p, 'kind') ?? KINDS.join(',')).split(',').map((k) => oneOf('kind', k.trim(), KINDS)!);
  const n = num(p, 'facts') ?? 20;
  const samples = num(p, 'samples') ?? 10;
  const seed = num(p, 'seed') ?? 1;
  for (const [k, v] of [['facts', n], ['samples', samples]] as const) if (!Number.isInteger(v) || v < 1) throw new UsageError(`trace: --${k} must be a positive integer`);
  const from = str(p, 'from');
  if (from !== undefined && p.values['no-card']) throw new UsageError('trace: --from writes the card from a trace table; --no-card would leave nothing to do');
  const card = (csvPath: string): void => {
    const dir = join(ROOT, 'models', name);
    const c = writeEditLayer(dir, name, modelShape(readCheckpointConfig(dir)), csvPath, relative(ROOT, csvPath));
    io.out(`wrote the edit layer ${c.layer} into ${displayPath(join(dir, 'edit-layer.json'), io.cwd)} and MODEL_CARD.md`);
  };
  if (from !== undefined) {
    card(resolve(io.cwd, from));
    return EXIT.ok;
  }
  await initBackend();
  const ctx = { seed: 0, specDir: ROOT };
  const loaded = await embeddedModel(ROOT, DEFAULT_MODEL_NAMES).load({ name }, ctx);
  try {
    const m = loaded.model as EngineModel;
    const records = (await worldCounterfact.load({ worldSeed: 1, worldSize: 'default', n: 200, offset: 0 }, ctx)).map((r) => r.request as EditRequest);
    const facts = knownFacts(m, records, n);
    io.err(`trace: ${facts.length} known facts of ${name}, kinds ${kinds.join(', ')}, ${samples} noise samples each`);
    const t = traceTable(m, facts, kinds, { samples, seed }, (i) => io.err(`  fact ${i + 1}/${facts.length}`));
    const out = resolve(io.cwd, str(p, 'out') ?? `results/locate/${name}-trace.csv`);
    const csv = traceCsv(name, t);
    writeFileAtomic(out, csv);
    const svg = out.replace(/\.csv$/, '') + '.heatmap.svg';
    writeFileAtomic(svg, await renderSvg(plotSpec(parseCsv(out, csv), { kind: 'heatmap', x: 'layer', y: 'token', metrics: ['effect'], series: 'kind', title: `${name}: causal tracing, mean indirect effect on P(true object) (${t.facts} facts)` })));
    io.out(`wrote ${displayPath(out, io.cwd)}, ${displayPath(svg, io.cwd)}`);
    io.out(`P(true) clean ${t.pClean.toFixed(3)}, corrupted ${t.pCorrupted.toFixed(3)}${t.peakLayer !== undefined ? `; largest MLP effect at the last subject token: layer ${t.peakLayer}` : ''}`);
    if (!p.values['no-card'] && t.peakLayer !== undefined) card(out);
    return EXIT.ok;
  } finally {
    loaded.dispose();
  }
}
