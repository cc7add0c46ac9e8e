// keyStatistics on small random models (both architectures) against a direct computation: each text run alone,
// its W_out inputs read from the hook, Σ k kᵀ / N summed in plain JavaScript.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { hookName } from '../hooks/names';
import { runWithCache } from '../hooks/run';
import { linalgPath } from '../linalg/index';
import { testTokenizer, tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { deserializeKeyStats, keyStatistics, serializeKeyStats } from './index';

const tok = testTokenizer();
const texts = [
  'the cat sat on the mat.',
  'paris is the capital of france.',
  '',
  'a quick brown fox jumps over the lazy dog, twice.',
  'why?',
  'the river runs to the sea and the sea is never full.',
  'one, two, three.',
];

function direct(model: Transformer, layer: number, samples: string[], maxTokens: number): { c: Float64Array; n: number } {
  const m = model.config.dMlp;
  const c = new Float64Array(m * m);
  let n = 0;
  for (const text of samples) {
    const ids = tok.encode(text).slice(0, maxTokens);
    if (ids.length === 0) continue;
    const input = Transformer.idsTensor([ids]);
    const { logits, cache } = runWithCache(model, input, [hookName.mlpPost(layer)]);
    const k = cache.get(hookName.mlpPost(layer)).dataSync();
    for (let t = 0; t < ids.length; t++) {
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) c[i * m + j]! += k[t * m + i]! * k[t * m + j]!;
    }
    n += ids.length;
    tf.dispose([logits, input]);
    cache.dispose();
  }
  return { c: c.map((x) => x / n), n };
}

const relDiff = (a: Float64Array, b: Float64Array): number => {
  const scale = b.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0) / scale;
};

beforeAll(async () => {
  await initBackend();
});

describe('keyStatistics', () => {
  it.each(['gpt2', 'llama'] as const)('%s: C = E[k kᵀ] matches a per-text direct computation; counts samples and tokens', (arch) => {
    const model = Transformer.init(tinyConfig(arch, { vocabSize: tok.vocabSize }), 3);
    const before = tf.memory().numTensors;
    const s = keyStatistics(model, tok, texts, { layers: [1, 0], batchSize: 3, maxTokensPerSample: 30 });
    expect(tf.memory().numTensors).toBe(before);
    expect(s.layers).toEqual([0, 1]);
    expect(s.nSamples).toBe(6); // the empty text is skipped
    const expectedTokens = texts.filter((t) => t.length > 0).reduce((n, t) => n + Math.min(t.length, 30), 0);
    expect(s.nTokens).toBe(expectedTokens);
    expect(s.cost).toMatchObject({ samples: 6, tokens: expectedTokens });
    expect(s.cost.seconds).toBeGreaterThan(0);
    for (const l of [0, 1]) {
      const d = direct(model, l, texts, 30);
      expect(d.n).toBe(s.nTokens);
      const c = s.mom2.get(l)!;
      expect(relDiff(c, d.c)).toBeLessThan(1e-5);
      const m = s.dMlp;
      for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) expect(c[i * m + j]).toBe(c[j * m + i]);
    }
    model.dispose();
  });

  it('maxSamples takes the first non-empty texts; the result is deterministic; the file round-trips exactly', () => {
    const model = Transformer.init(tinyConfig('gpt2', { vocabSize: tok.vocabSize }), 4);
    const a = keyStatistics(model, tok, texts, { layers: 1, maxSamples: 3, maxTokensPerSample: 8 });
    expect([a.nSamples, a.nTokens]).toEqual([3, 8 + 8 + 8]);
    const d = direct(model, 1, texts.slice(0, 4), 8);
    expect(relDiff(a.mom2.get(1)!, d.c)).toBeLessThan(1e-5);
    const bytes = serializeKeyStats(a);
    expect(bytes.length).toBe(a.cost.bytes);
    expect(bytes.length).toBeLessThan(a.dMlp * a.dMlp * 8); // half the full matrix, plus a header
    expect(Buffer.from(serializeKeyStats(keyStatistics(model, tok, texts, { layers: 1, maxSamples: 3, maxTokensPerSample: 8 })))).toEqual(Buffer.from(bytes));
    const back = deserializeKeyStats(bytes);
    expect(back).toMatchObject({ layers: [1], dMlp: a.dMlp, nSamples: 3, nTokens: 24, maxTokensPerSample: 8 });
    expect(Buffer.from(back.mom2.get(1)!.buffer)).toEqual(Buffer.from(a.mom2.get(1)!.buffer));
    model.dispose();
  });

  it.skipIf(linalgPath().path !== 'lapack')(`dsyrk and the JS loop accumulate the same C (${linalgPath().reason ?? 'LAPACK built'})`, () => {
    const model = Transformer.init(tinyConfig('llama', { vocabSize: tok.vocabSize }), 5);
    const a = keyStatistics(model, tok, texts, { layers: 0, path: 'lapack' });
    const b = keyStatistics(model, tok, texts, { layers: 0, path: 'js' });
    expect(relDiff(a.mom2.get(0)!, b.mom2.get(0)!)).toBeLessThan(1e-13);
    model.dispose();
  });

  it('refuses bad options and corrupt files with coded errors', () => {
    const model = Transformer.init(tinyConfig('gpt2', { vocabSize: tok.vocabSize }), 6);
    const code = (f: () => unknown): string => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(code(() => keyStatistics(model, tok, texts, { layers: 2 }))).toBe('KEYSTATS_BAD_OPTIONS');
    expect(code(() => keyStatistics(model, tok, texts, { layers: [], maxSamples: 2 }))).toBe('KEYSTATS_BAD_OPTIONS');
    expect(code(() => keyStatistics(model, tok, texts, { layers: 0, maxTokensPerSample: 49 }))).toBe('KEYSTATS_BAD_OPTIONS');
    expect(code(() => keyStatistics(model, tok, ['', ''], { layers: 0 }))).toBe('KEYSTATS_NO_TOKENS');
    const bytes = serializeKeyStats(keyStatistics(model, tok, texts, { layers: 0, maxSamples: 2 }));
    expect(code(() => deserializeKeyStats(bytes.subarray(0, bytes.length - 8)))).toBe('KEYSTATS_BAD_FILE');
    const wrong = bytes.slice();
    wrong[0] = 0;
    expect(code(() => deserializeKeyStats(wrong))).toBe('KEYSTATS_BAD_FILE');
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat64(nan.length - 8, Number.NaN, true);
    expect(() => deserializeKeyStats(nan, 'stats/l0.bin')).toThrow(/stats\/l0\.bin: .*is NaN/);
    model.dispose();
  });
});
