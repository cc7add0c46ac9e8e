// Deterministic GPT-2-style initialisation (Radford et al. 2019, §2.3): weights ~ N(0, 0.02²), residual
// projections (attn.W_O, mlp.W_out) scaled by 1/√(2·nLayers), biases 0, norm gains 1. Each parameter
// draws from its own stream seeded by (seed, name), so adding a parameter never shifts the others.
import type { ModelConfig } from './config';
import { paramShapes } from './config';
import { hashString, Rng } from './prng';

export const INIT_STD = 0.02;

function isNormGain(name: string): boolean {
  return /(^|\.)(ln1|ln2|ln_final)\.w$/.test(name);
}

function isResidualProjection(name: string): boolean {
  return name.endsWith('.attn.W_O') || name.endsWith('.mlp.W_out');
}

/** Initial values of every parameter, in canonical order. */
export function initialValues(c: ModelConfig, seed: number): Array<[name: string, shape: number[], values: Float32Array]> {
  return paramShapes(c).map(([name, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    const last = name.slice(name.lastIndexOf('.') + 1);
    if (isNormGain(name)) v.fill(1);
    else if (last.startsWith('W_')) {
      const std = isResidualProjection(name) ? INIT_STD / Math.sqrt(2 * c.nLayers) : INIT_STD;
      const rng = new Rng(hashString(name, seed));
      for (let i = 0; i < n; i++) v[i] = rng.normal() * std;
    }
    return [name, shape, v];
  });
}
