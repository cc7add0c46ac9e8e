import { describe, expect, it } from 'vitest';
import { defaultParams, resolveParams } from './common/params';
import { METHODS, methodById } from './registry';

describe('registry', () => {
  it('finds every method by id and says "did you mean" for an unknown one', () => {
    expect(METHODS.map((m) => m.id)).toEqual(['ft', 'ft-c', 'forget', 'forget-u', 'forget-pa', 'f-learning', 'rome', 'memit', 'alphaedit', 'grace', 'wise', 'serac', 'lte', 'recipe', 'ga', 'gd', 'kl', 'idk', 'dpo', 'npo']);
    // the memory-based editors train their side models on the tuning split, never on the evaluated records
    expect(METHODS.filter((m) => m.stages.some((s) => s.reads === 'tuning')).map((m) => m.id)).toEqual(['serac', 'lte', 'recipe']);
    for (const m of METHODS) expect(methodById(m.id)).toBe(m);
    expect(METHODS.filter((m) => m.stages.some((s) => s.name === 'locate')).map((m) => m.id)).toEqual(['forget', 'forget-u', 'forget-pa']);
    for (const m of METHODS) expect(m.accepts).toEqual(['ga', 'gd', 'kl', 'idk', 'dpo', 'npo'].includes(m.id) ? ['forget'] : ['rewrite', 'forget']);
    expect(() => methodById('forgett')).toThrow(/unknown method 'forgett' \(did you mean 'forget'\?/);
    expect(() => methodById('flearning')).toThrow(/did you mean 'f-learning'/);
    expect(() => methodById('ft_c')).toThrow(/did you mean 'ft-c'/);
  });

  it('every schema is a closed draft 2020-12 object with a default for every property, valid under itself', () => {
    for (const m of METHODS) {
      const s = m.paramsSchema as { $schema: string; type: string; additionalProperties: boolean; properties: Record<string, { default?: unknown; description?: string }> };
      expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.type).toBe('object');
      expect(s.additionalProperties).toBe(false);
      for (const [k, p] of Object.entries(s.properties)) {
        expect(p.default, `${m.id}.${k}`).not.toBeUndefined(); // groups (locate) default to {}
        expect(p.description, `${m.id}.${k}`).toBeTruthy();
      }
      expect(resolveParams(m, {})).toEqual(defaultParams(m));
      expect(m.version).toMatch(/^\d+$/);
      expect(m.description.length).toBeGreaterThan(10);
    }
  });

  it('resolveParams rejects unknown keys, wrong types, enums and ranges', () => {
    const f = methodById('forget');
    expect(() => resolveParams(f, { nope: 1 })).toThrow(/unknown param 'nope'/);
    expect(() => resolveParams(f, { k: 1.5 })).toThrow(/integer/);
    expect(() => resolveParams(f, { scope: 'some' })).toThrow(/one of "located", "all"/);
    expect(() => resolveParams(f, { learnLr: 0 })).toThrow(/> 0/);
    expect(() => resolveParams(f, { layers: [1, 1] })).toThrow(/repeat/);
    expect(resolveParams(f, { k: 3 }).k).toBe(3);
    expect(() => resolveParams(f, { locate: { stepz: 3 } })).toThrow(/unknown param 'locate.stepz'/);
    expect(() => resolveParams(f, { locate: { steps: 0 } })).toThrow(/'locate.steps' must be ≥ 1/);
    expect(resolveParams(f, { locate: { topN: 9 } }).locate).toEqual({ steps: 5, metric: 'nll', selection: 'topn', degree: 'count', maxFacts: 16, topN: 9 });
  });
});
