import { describe, expect, it } from 'vitest';
import { memitLayers, romeLayer } from './layer-rule';
import { CharTokenizer } from '../../model/char-tokenizer';
import { subjectRow } from './subject-rows';

describe('layer rule (reference presets mapped by depth)', () => {
  it('gives the reference layers at the reference depths and ROME 1, MEMIT 0–1 on the 4-layer default models', () => {
    expect(romeLayer({ arch: 'gpt2', layers: 48 })).toBe(17);
    expect(memitLayers({ arch: 'gpt2', layers: 48 })).toEqual([13, 14, 15, 16, 17]);
    expect(romeLayer({ arch: 'llama', layers: 32 })).toBe(5);
    expect(memitLayers({ arch: 'llama', layers: 32 })).toEqual([4, 5, 6, 7, 8]);
    for (const arch of ['gpt2', 'llama']) {
      expect(romeLayer({ arch, layers: 4 })).toBe(1);
      expect(memitLayers({ arch, layers: 4 })).toEqual([0, 1]);
    }
    expect(romeLayer({ arch: 'gpt2', layers: 2 })).toBe(0); // never the last layer
    expect(memitLayers({ arch: 'gpt2', layers: 1 })).toEqual([0]);
    expect(memitLayers({ arch: 'gpt2', layers: 12 })).toEqual([3, 4]); // GPT-2 small: 3.25 → 3, 4.25 → 4
  });

  it("takes the traced edit layer of the model card (ModelShape.editLayer), MEMIT ending there; without a card, the depth rule", () => {
    const gpt2 = { arch: 'gpt2', layers: 4, dModel: 128, heads: 4, dMlp: 512, vocab: 2048, window: 64 };
    const llama = { ...gpt2, arch: 'llama', dMlp: 352 };
    expect(romeLayer({ ...gpt2, editLayer: 0 })).toBe(0); // tiny-gpt2 v1's card (results/locate/tiny-gpt2-trace.csv)
    expect(memitLayers({ ...gpt2, editLayer: 0 })).toEqual([0, 1]);
    expect(romeLayer({ ...llama, editLayer: 0 })).toBe(0);
    expect(memitLayers({ ...llama, editLayer: 2 })).toEqual([1, 2]);
    expect(romeLayer({ ...llama, editLayer: 3 })).toBe(2); // never the last layer
    expect(romeLayer(llama)).toBe(1); // no card: the depth rule
    expect(memitLayers(gpt2)).toEqual([0, 1]);
  });
});

describe('subject rows', () => {
  it('finds the subject in the prompt, not in the template prefix, and appends the continuation', () => {
    const tok = new CharTokenizer('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .{}');
    const r = subjectRow(tok, 'Ada is. {}', 'The home of Ada is', 'Ada', [1, 2]);
    const text = 'Ada is. The home of Ada is';
    expect(r.promptLength).toBe(tok.encode(text).length); // no BOS in this tokenizer
    expect(tok.decode(r.ids.slice(0, r.subjectLast + 1) as number[]).endsWith('The home of Ada')).toBe(true);
    expect(r.ids.slice(-2)).toEqual([1, 2]);
    expect(() => subjectRow(tok, '{}', 'The home of Ada is', 'Bob')).toThrow(/subject "Bob" does not occur/);
  });
});
