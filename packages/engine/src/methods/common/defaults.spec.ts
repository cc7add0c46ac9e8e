// Defaults written by rule (defaults.ts, docs/defaults.md): every default of the ForGet-family and FT
// methods names its source; the rules map the paper's columns to a model by family and relative depth.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES, modelFamily, ruleDefaults, ruleValue } from './defaults';
import { METHODS } from '../registry';
import type { PropSchema } from './params';

const shape = (family: string, layers: number) => ({ arch: family === 'gpt2' ? 'gpt2' : 'llama', family, layers });
const props = (id: string) => (METHODS.find((m) => m.id === id)!.paramsSchema.properties ?? {}) as Record<string, PropSchema<unknown>>;

describe('defaults by rule', () => {
  it('a model\'s family: Qwen2 (q/k/v biases), Mistral (sliding window), else its architecture', () => {
    expect(modelFamily({ arch: 'llama', qkvBias: true })).toBe('qwen2');
    expect(modelFamily({ arch: 'llama', slidingWindow: 32 })).toBe('mistral');
    expect(modelFamily({ arch: 'llama' })).toBe('llama');
    expect(modelFamily({ arch: 'gpt2' })).toBe('gpt2');
  });

  it('FT/FT-c layer: 21 of 32 (Llama-2) and 27 of 28 (Qwen2) by relative depth; the paper models get the paper values back', () => {
    const rule = props('ft')['layer']!['x-default']!.rule!;
    expect(ruleValue(rule, shape('llama', 32))).toBe(21);
    expect(ruleValue(rule, shape('qwen2', 28))).toBe(27);
    expect(ruleValue(rule, shape('llama', 4))).toBe(2); // the Llama-2 stand-in: the schema default
    expect(ruleValue(rule, shape('gpt2', 4))).toBe(2); // GPT-2-style models follow the Llama-2 column
    expect(ruleValue(rule, shape('qwen2', 4))).toBe(3); // the Qwen2 stand-in: its last layer
    expect(ruleValue(rule, shape('mistral', 8))).toBe(5);
  });

  it('ForGet k and FT-c ε follow their family\'s column', () => {
    expect(ruleDefaults(props('forget'), shape('llama', 4))).toEqual({ k: 1 });
    expect(ruleDefaults(props('forget'), shape('qwen2', 4))).toEqual({ k: 2 });
    expect(ruleDefaults(props('ft-c'), shape('llama', 4))).toEqual({ layer: 2, epsilon: 5e-4 });
    expect(ruleDefaults(props('ft-c'), shape('qwen2', 4))).toEqual({ layer: 3, epsilon: 5e-5 });
  });

  it("MEMIT's λ and AlphaEdit's L2 scale with d_mlp from their reference models (docs/defaults.md \"Width rule\")", () => {
    const w = (family: string, dMlp: number) => ({ ...shape(family, 4), dMlp });
    const lam = (id: string, s: ReturnType<typeof w>) => { const r = ruleDefaults(props(id), s); return r['mom2UpdateWeight'] ?? r['l2']; };
    expect(lam('memit', w('gpt2', 6400))).toBe(20000); // GPT-2 XL: the reference back
    expect(lam('memit', w('llama', 11008))).toBe(15000); // Llama-2-7B
    expect(lam('memit', w('gpt2', 512))).toBe(1600); // tiny-gpt2
    expect(lam('memit', w('llama', 352))).toBe(480); // tiny-llama: 479.65, 3 digits
    expect(lam('alphaedit', w('llama', 14336))).toBe(10); // Llama3-8B
    expect(lam('alphaedit', w('gpt2', 512))).toBe(0.8);
    expect(lam('alphaedit', w('qwen2', 352))).toBe(0.246);
    expect(() => ruleDefaults(props('memit'), shape('gpt2', 4))).toThrow(/scales with the model's d_mlp/);
  });

  it('ROME, MEMIT and AlphaEdit: GPT-2-style models keep the GPT-2 XL files\' values, Llama-style ones take EasyEdit\'s Llama-2-7B values', () => {
    const w = (family: string) => ({ ...shape(family, 4), dMlp: 352 });
    const { mom2UpdateWeight: _m, ...gpt2 } = ruleDefaults(props('memit'), w('gpt2'));
    expect(gpt2).toEqual({ vNumGradSteps: 20, vWeightDecay: 0.5, clampNormFactor: 0.75 }); // memit gpt2-xl.json: the schema defaults
    for (const family of ['llama', 'qwen2', 'mistral']) {
      const { mom2UpdateWeight: _l, ...llama } = ruleDefaults(props('memit'), w(family));
      expect(llama, family).toEqual({ vNumGradSteps: 25, vWeightDecay: 1e-3, clampNormFactor: 4 }); // EasyEdit MEMIT/llama-7b.yaml
      const { l2: _a, ...alpha } = ruleDefaults(props('alphaedit'), w(family));
      expect(alpha, family).toEqual({ vNumGradSteps: 25, vWeightDecay: 1e-3, clampNormFactor: 4 }); // MEMIT's Llama-2 file (EasyEdit #502)
    }
    expect(ruleDefaults(props('rome'), w('gpt2'))).toEqual({ mom2Adjustment: true, vNumGradSteps: 20, vWeightDecay: 0.5, clampNormFactor: 4 });
    expect(ruleDefaults(props('rome'), w('llama'))).toEqual({ mom2Adjustment: false, vNumGradSteps: 25, vWeightDecay: 1e-3, clampNormFactor: 4 }); // ROME/llama-7b.yaml
  });

  it('every default of ft, ft-c, forget, forget-u, forget-pa and f-learning that is a number or an optimizer names its source', () => {
    for (const id of ['ft', 'ft-c', 'forget', 'forget-u', 'forget-pa', 'f-learning']) {
      for (const [k, p] of Object.entries(props(id))) {
        if (p.type !== 'number' && p.type !== 'integer') continue;
        if (k.startsWith('forgetStopAtLoss')) continue; // 0 = off: not a tuned or published value
        const o = p['x-default'];
        expect(o, `${id}.${k}`).toBeDefined();
        expect(DEFAULT_SOURCES).toContain(o!.source);
        if (o!.source === 'tuning') expect(existsSync(new URL(`../../../../../${o!.ref.split(' ')[0]}`, import.meta.url)), o!.ref).toBe(true);
      }
    }
  });
});
