// The edit layer of a checkpoint in its model card (docs/locate-then-edit.md "Layers"): the layer of the largest
// mean MLP indirect effect at the last subject token in a causal trace (`editlab trace`, locate/trace.ts; ROME §2
// finds the edit site there). Written beside the weights as edit-layer.json (machine-readable; the model adapters
// read it into EditModel.editLayer / ModelShape.editLayer, which ROME's, MEMIT's and AlphaEdit's layer rule take)
// and as the "Edit layer" section of MODEL_CARD.md. The file names the sha256 of the weights it was traced on, so a
// retrained checkpoint in the same directory ignores a stale file (its methods take the depth rule until it is
// traced again). The file is a .json beside the weights, so the checkpoint's fingerprint (adapters/models.ts)
// covers it: writing it re-keys the cells that default their layer to it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memitLayers, romeLayer } from '@editlab/engine';
import type { ModelShape } from '../registries';
import { parseCsv } from '../report/diff';
import { writeFileAtomic } from '../util/atomic';
import { RunnerError } from '../errors';

export const EDIT_LAYER_FILE = 'edit-layer.json';
const CARD_FILE = 'MODEL_CARD.md';
const SECTION = '## Edit layer (causal tracing)';

export interface EditLayerCard {
  /** The edit layer: largest mean MLP indirect effect at the last subject token. */
  readonly layer: number;
  /** Its mean indirect effect on P(true object), and the number of traced facts. */
  readonly effect: number;
  readonly facts: number;
  /** The trace table it was read from (repository-relative path). */
  readonly trace: string;
  /** sha256 over the checkpoint's *.safetensors files (name order): the weights it was traced on. */
  readonly weightsFileSha256: string;
}

/** sha256 over the names and bytes of the checkpoint's weight files. */
export function weightsFileSha256(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.safetensors')).sort()) h.update(f).update('\0').update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

/** The edit layer a trace table (traceCsv, locate/trace.ts) names: its largest MLP effect at the last subject token. */
export function editLayerOfTrace(file: string, text: string): { layer: number; effect: number; facts: number } {
  const t = parseCsv(file, text);
  for (const n of ['kind', 'token', 'layer', 'effect', 'facts']) {
    if (!t.header.includes(n)) throw new RunnerError('DATA', `${file}: not a trace table (no '${n}' column; expected model,kind,token,layer,effect,facts from \`editlab trace\`)`);
  }
  let best: { layer: number; effect: number; facts: number } | undefined;
  for (const r of t.rows) {
    if (r['kind'] !== 'mlp' || r['token'] !== 'last subject token') continue;
    const e = Number(r['effect']);
    if (!best || e > best.effect) best = { layer: Number(r['layer']), effect: e, facts: Number(r['facts']) };
  }
  if (!best) throw new RunnerError('DATA', `${file}: no 'mlp' rows at the 'last subject token' (trace with --kind mlp)`);
  return best;
}

/** The card's "Edit layer" section (MODEL_CARD.md). */
export function editLayerSection(name: string, c: EditLayerCard, shape: Pick<ModelShape, 'arch' | 'layers'>): string[] {
  const s = { ...shape, editLayer: c.layer };
  const memit = memitLayers(s);
  const range = memit.length === 1 ? `${memit[0]}` : `${memit[0]}–${memit[memit.length - 1]}`;
  return [
    SECTION,
    `- Largest mean MLP indirect effect at the last subject token: layer ${c.layer} (effect ${c.effect.toFixed(3)} on P(true object), ${c.facts} known facts; \`editlab trace --model ${name}\`, \`${c.trace}\` and its \`.heatmap.svg\`)`,
    `- ROME edits layer ${romeLayer(s)} and MEMIT/AlphaEdit layers ${range} by default on this model (docs/locate-then-edit.md "Layers"); machine-readable in \`${EDIT_LAYER_FILE}\`, for the weights with sha256 ${c.weightsFileSha256.slice(0, 16)}… of the .safetensors file`,
    '',
  ];
}

/** The card's text with its "Edit layer" section put in (replacing an earlier one, else at the end). */
export function withEditLayerSection(card: string, section: readonly string[]): string {
  const lines = card.replace(/\n+$/, '').split('\n');
  const at = lines.indexOf(SECTION);
  let out = [...lines, '', ...section];
  if (at >= 0) {
    let end = at + 1;
    while (end < lines.length && !lines[end]!.startsWith('## ')) end++;
    out = [...lines.slice(0, at), ...section, ...lines.slice(end)];
  }
  return out.join('\n').replace(/\n*$/, '\n');
}

/**
 * Write the edit layer that the trace table `tracePath` names into the checkpoint `dir`: edit-layer.json and the
 * MODEL_CARD.md section. `trace` is how the card names the table (a repository-relative path).
 */
export function writeEditLayer(dir: string, name: string, shape: Pick<ModelShape, 'arch' | 'layers'>, tracePath: string, trace: string): EditLayerCard {
  if (!existsSync(tracePath)) throw new RunnerError('DATA', `trace table not found: ${tracePath} (run \`editlab trace --model ${name}\` first)`);
  const card: EditLayerCard = { ...editLayerOfTrace(trace, readFileSync(tracePath, 'utf8')), trace, weightsFileSha256: weightsFileSha256(dir) };
  writeFileAtomic(join(dir, EDIT_LAYER_FILE), JSON.stringify(card, null, 2) + '\n');
  const cardPath = join(dir, CARD_FILE);
  const text = existsSync(cardPath) ? readFileSync(cardPath, 'utf8') : `# ${name}\n`;
  writeFileAtomic(cardPath, withEditLayerSection(text, editLayerSection(name, card, shape)));
  return card;
}

/** The edit layer of the checkpoint in `dir`: its edit-layer.json, when that was traced on these weights. */
export function readEditLayer(dir: string): number | undefined {
  const path = join(dir, EDIT_LAYER_FILE);
  if (!existsSync(path)) return undefined;
  let card: EditLayerCard;
  try {
    card = JSON.parse(readFileSync(path, 'utf8')) as EditLayerCard;
  } catch (e) {
    throw new RunnerError('DATA', `${path}: not valid JSON (${(e as Error).message}); rewrite it with \`editlab trace --model <name> --from <trace.csv>\``);
  }
  if (!Number.isInteger(card.layer)) throw new RunnerError('DATA', `${path}: 'layer' must be an integer, got ${JSON.stringify(card.layer)}`);
  return card.weightsFileSha256 === weightsFileSha256(dir) ? card.layer : undefined;
}
