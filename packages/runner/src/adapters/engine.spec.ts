// The cell executor on a real engine Transformer: an edit changes what the Scorer sees, the undo
// restores it exactly, and metrics read the edited model only through the Scorer.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, scoreContinuations, Transformer } from '@editlab/engine';
import type { Tokenizer } from '@editlab/engine';
import { runCell } from '../exec/cell';
import { rewriteOf, type CellEditor, type CellRecord, type MetricEntry } from '../registries';
import { loadedEngineModel } from './engine';
import type { EngineModel } from './engine';

class Chars implements Tokenizer {
  readonly padId = 0;
  readonly eosId = 1;
  readonly vocabSize = 30;
  // ' ' → 2, 'a'..'z' → 3..28 (0 pad, 1 eos)
  encode = (t: string) => [...t].map((c) => (c === ' ' ? 2 : c.charCodeAt(0) - 94));
  decode = (ids: number[]) => ids.map((i) => (i === 2 ? ' ' : i > 2 ? String.fromCharCode(i + 94) : '')).join('');
}

beforeAll(async () => {
  await initBackend();
});

function model(): EngineModel {
  const tokenizer = new Chars();
  const transformer = Transformer.init({ arch: 'gpt2', vocabSize: 30, dModel: 16, nLayers: 2, nHeads: 2, dMlp: 32, maxSeq: 32 }, 3);
  return { transformer, tokenizer };
}

/** Scales one MLP output weight (a real in-place edit of a tf.Variable) and restores it on undo. */
const scaleEditor: CellEditor = {
  async apply(m) {
    const w = (m.model as EngineModel).transformer.params.get('blocks.1.mlp.W_out')!;
    const before = w.clone();
    w.assign(w.mul(5));
    return { undo: () => (w.assign(before), before.dispose()), stats: { wallMs: 0 } };
  },
};

describe('engine adapter', () => {
  it('the Scorer is engine scoring and generation', async () => {
    const m = model();
    const s = loadedEngineModel(m).scorer;
    const req = [{ prompt: 'the cat', continuation: ' sat' }];
    expect(await s.score(req)).toEqual(scoreContinuations(m.transformer, m.tokenizer, req));
    const [g] = await s.generate(['the cat'], { maxNewTokens: 4 });
    expect(typeof g).toBe('string');
    expect(s.tokenize('ab')).toEqual(m.tokenizer.encode('ab'));
    m.transformer.dispose();
  });

  it('runCell edits, evaluates through the Scorer, and the undo restores the exact scores', async () => {
    const loaded = loadedEngineModel(model());
    const probe = { prompt: 'the cat', continuation: ' sat' };
    const logprob: MetricEntry = {
      id: 'lp', version: '1', higherIsBetter: true,
      evaluate: async (s, r) => (await s.score([{ prompt: rewriteOf(r.request).prompt, continuation: rewriteOf(r.request).targetNew }]))[0]!.reduce((a, t) => a + t.logprob, 0),
    };
    const records: CellRecord[] = [{ id: '0', request: { prompt: probe.prompt, subject: 'cat', targetNew: probe.continuation }, data: null }];
    const before = await loaded.scorer.score([probe]);
    const out = await runCell(loaded, scaleEditor, records, { kind: 'single' }, [{ use: { id: 'lp', column: 'lp', params: {} }, entry: logprob }]);
    const unedited = before[0]!.reduce((a, t) => a + t.logprob, 0);
    expect(out.status).toBe('ok');
    expect(out.records[0]!.values['lp']).not.toBeCloseTo(unedited, 3); // evaluated on the edited model
    expect(await loaded.scorer.score([probe])).toEqual(before); // undone exactly
    loaded.dispose();
  });
});
