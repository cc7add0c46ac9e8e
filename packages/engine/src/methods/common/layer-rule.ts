// Which layers ROME, MEMIT and AlphaEdit edit when the spec gives none (docs/locate-then-edit.md "Layers").
// Precedence: the spec's explicit value; then the checkpoint's traced edit layer, as its model card records it
// (ModelShape.editLayer: the largest mean MLP indirect effect at the last subject token, `editlab trace`, written
// into models/<name>/edit-layer.json by the runner), with MEMIT's range ending there; otherwise the depth rule
// below applied to the model family's reference preset:
//   family 'gpt2'  — kmeng01/rome hparams ROME/gpt2-xl.json: layer 17 of 48; MEMIT (and AlphaEdit)
//                    gpt2-xl.json: layers 13–17 of 48;
//   family 'llama' — EasyEdit hparams ROME/llama-7b.yaml: layer 5 of 32; MEMIT/llama-7b.yaml: layers 4–8 of 32
//                    (AlphaEdit's maintainers advise MEMIT's layers on Llama-2, EasyEdit issue #502).
// Rule: a reference layer r of R layers becomes round(r·L / R) on a model of L layers, kept in 0..L−2 (the
// value is optimised through at least one later block). A range [a, b] becomes [round(a·L/R), round(b·L/R)],
// widened downward (then upward) to at least min(2, L−1) layers, since MEMIT spreads its update over several.
// The rule alone gives ROME layer 1 and MEMIT/AlphaEdit layers 0–1 on a 4-layer model of either family.
import type { ModelShape, ParamProblem } from '../editor';
import { layerProblems } from './shape';

interface FamilyPreset {
  readonly depth: number;
  readonly rome: number;
  readonly memit: readonly [number, number];
}

export const LAYER_PRESETS: Readonly<Record<string, FamilyPreset>> = {
  gpt2: { depth: 48, rome: 17, memit: [13, 17] },
  llama: { depth: 32, rome: 5, memit: [4, 8] },
};

function preset(shape: Pick<ModelShape, 'arch'>): FamilyPreset {
  return LAYER_PRESETS[shape.arch] ?? LAYER_PRESETS['gpt2']!;
}

/** The card's traced layer, kept in 0..L−2 like the rule's (the value is optimised through a later block). */
function traced(shape: Partial<ModelShape>): number | undefined {
  const l = shape.editLayer;
  return l === undefined || shape.layers === undefined ? undefined : Math.min(Math.max(0, shape.layers - 2), Math.max(0, l));
}

const scaled = (r: number, f: FamilyPreset, L: number): number => Math.min(Math.max(0, L - 2), Math.max(0, Math.round((r * L) / f.depth)));

/** ROME's layer on this model: the family preset's layer at the same relative depth. */
export function romeLayer(shape: Pick<ModelShape, 'arch' | 'layers'> & Partial<ModelShape>): number {
  return traced(shape) ?? scaled(preset(shape).rome, preset(shape), shape.layers);
}

/** MEMIT's and AlphaEdit's layers on this model (ascending). */
export function memitLayers(shape: Pick<ModelShape, 'arch' | 'layers'> & Partial<ModelShape>): number[] {
  const f = preset(shape);
  const L = shape.layers;
  const t = traced(shape);
  let a = t ?? scaled(f.memit[0], f, L);
  let b = t ?? scaled(f.memit[1], f, L);
  const want = Math.min(2, Math.max(1, L - 1));
  while (b - a + 1 < want && a > 0) a--;
  while (b - a + 1 < want && b < L - 1) b++;
  return Array.from({ length: b - a + 1 }, (_x, i) => a + i);
}

/** The spec's layer or the rule's, checked against the model. */
export function resolveLayer(given: number | undefined, shape: ModelShape): number {
  return given ?? romeLayer(shape);
}

export function resolveLayers(given: readonly number[], shape: ModelShape): number[] {
  return given.length > 0 ? [...given].sort((a, b) => a - b) : memitLayers(shape);
}

/** Problems of an explicit layer choice on this model (validate reports them at the param). */
export function editLayerProblems(param: string, layers: number | readonly number[] | undefined, shape: ModelShape): ParamProblem[] {
  return layers === undefined ? [] : layerProblems(param, layers, shape);
}
