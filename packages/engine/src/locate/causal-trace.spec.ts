// Causal tracing (ROME §2.1) on the committed default models with a fact of their world (fixtures.ts).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import type { EditModel } from '../methods/editor';
import { loadDefaultModel } from '../methods/testing/harness';
import { CharTokenizer } from '../model/char-tokenizer';
import { causalTrace, embeddingStd, subjectTokenRange } from './causal-trace';
import { FIXTURE_FACTS } from './fixtures';

const fact = FIXTURE_FACTS.P17[0]!; // 'Port Sishai is located in the country of' → ' Gaiki Isles'
const models: Record<string, EditModel> = {};

beforeAll(async () => {
  await initBackend();
  models['tiny-gpt2'] = await loadDefaultModel('tiny-gpt2');
  models['tiny-llama'] = await loadDefaultModel('tiny-llama');
});
afterAll(() => {
  for (const m of Object.values(models)) m.transformer.dispose();
});

describe('causalTrace', () => {
  it.each(['tiny-gpt2', 'tiny-llama'])('%s: noise lowers P(target); restoring the last layer at the last token gives P_clean back', (name) => {
    const { transformer, tokenizer } = models[name]!;
    const before = tf.memory().numTensors;
    const r = causalTrace(transformer, tokenizer, fact, { samples: 6, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    const T = r.tokens.length;
    const L = transformer.config.nLayers;
    expect(r.tokens.join('')).toBe(fact.prompt);
    expect(r.tokens.slice(r.subjectRange[0], r.subjectRange[1]).join('')).toBe('Port Sishai');
    expect(r.targetId).toBe(tokenizer.encode(fact.target)[0]);
    expect(r.restored.length).toBe(T);
    expect(r.restored.every((row) => row.length === L)).toBe(true);
    expect(r.pClean).toBeGreaterThan(0.5); // the model knows the fact (set v2 tiny-gpt2: 0.89)
    expect(r.pCorrupted).toBeLessThan(r.pClean / 2);
    expect(r.restored[T - 1]![L - 1]).toBeCloseTo(r.pClean, 5);
    // The last layer's output at any other token cannot reach the prediction: no effect there.
    for (let t = 0; t < T - 1; t++) expect(r.restored[t]![L - 1]).toBeCloseTo(r.pCorrupted, 5);
    // Restoring the subject's last token in the first layer recovers part of the fact (ROME's early site).
    // Set v2 checkpoints, P clean / corrupted / restored at layers 0–3: tiny-gpt2 0.891 / 0.126 / 0.188 0.149 0.127
    // 0.126, tiny-llama 1.000 / 0.282 / 0.909 0.828 0.991 0.282 (set v1's tiny-gpt2 recovered more than 0.2 here).
    expect(r.restored[r.subjectRange[1] - 1]![0]).toBeGreaterThan(r.pCorrupted + 0.05);
    expect(r.indirectEffect[T - 1]![L - 1]).toBeCloseTo(r.pClean - r.pCorrupted, 5);
    expect(r.noiseStd).toBeCloseTo(3 * embeddingStd(transformer), 10);
  });

  it('is deterministic for a seed and changes with it', () => {
    const { transformer, tokenizer } = models['tiny-gpt2']!;
    const a = causalTrace(transformer, tokenizer, fact, { kind: 'mlp', window: 1, samples: 4, seed: 7, maxRows: 40 });
    const b = causalTrace(transformer, tokenizer, fact, { kind: 'mlp', window: 1, samples: 4, seed: 7, maxRows: 40 });
    expect(b).toEqual(a);
    const c = causalTrace(transformer, tokenizer, fact, { kind: 'mlp', window: 1, samples: 4, seed: 8, maxRows: 40 });
    expect(c.pCorrupted).not.toBe(a.pCorrupted);
    expect(c.pClean).toBe(a.pClean);
  });

  it('window: restoring every layer makes each token row constant; attn and mlp sites differ', () => {
    const { transformer, tokenizer } = models['tiny-gpt2']!;
    const L = transformer.config.nLayers;
    const all = causalTrace(transformer, tokenizer, fact, { kind: 'attn', window: 2 * L, samples: 3 });
    for (const row of all.restored) for (const p of row) expect(p).toBeCloseTo(row[0]!, 6);
    const mlp = causalTrace(transformer, tokenizer, fact, { kind: 'mlp', window: 1, samples: 3 });
    const attn = causalTrace(transformer, tokenizer, fact, { kind: 'attn', window: 1, samples: 3 });
    expect(mlp.pCorrupted).toBe(attn.pCorrupted); // same noise draws
    expect(mlp.restored).not.toEqual(attn.restored);
  });

  it('maps the subject onto tokens (BOS offset) and refuses bad input', () => {
    const tok = new CharTokenizer('abcdef ');
    expect(subjectTokenRange(tok, tok.encode('ab cd ef'), 'ab cd ef', 'cd', 0)).toEqual([3, 5]);
    expect(subjectTokenRange(tok, tok.encode('ab cd ef'), 'ab cd ef', 'cd', 1)).toEqual([4, 6]);
    const { transformer, tokenizer } = models['tiny-gpt2']!;
    expect(() => causalTrace(transformer, tokenizer, { ...fact, subject: 'Nowhere' })).toThrow(/subject 'Nowhere' does not occur/);
    expect(() => causalTrace(transformer, tokenizer, fact, { kind: 'resid' as 'mlp' })).toThrow(/kind 'resid'/);
    expect(() => causalTrace(transformer, tokenizer, fact, { samples: 0 })).toThrow(/samples 0/);
  });
});
