// The training loop's cooperative cancellation (./interrupt.ts): a registered check is asked before every
// step; when it says stop, trainLoop throws TrainingInterruptedError before that step, and a check that
// never says stop changes no weight bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { testTokenizer, tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { encodePairs } from './batch';
import { onTrainingInterrupt, TrainingInterruptedError, trainingInterrupted } from './interrupt';
import { trainLoop } from './loop';
import { nll } from './objective';
import { exampleStream } from './streams';

beforeAll(async () => {
  await initBackend();
});

const tok = testTokenizer();
const cfg = tinyConfig('gpt2', { vocabSize: tok.vocabSize, nLayers: 1, dModel: 16, dMlp: 32, nHeads: 2 });
const examples = encodePairs(tok, ['ab', 'cd', 'ef'].map((x) => ({ prompt: `${x} is`, target: ` ${x}.` })));
const train = (m: Transformer, steps: number) =>
  trainLoop(m, { train: exampleStream(examples, { seed: 1, batchSize: 2, vocabSize: cfg.vocabSize }) }, nll(), { lr: 1e-2, steps });
const weights = (m: Transformer) => [...m.params.values()].map((v) => Array.from(v.dataSync()));

describe('trainLoop interruption', () => {
  it('stops before the step at which a check says so; the steps before it ran', () => {
    const m = Transformer.init(cfg, 3);
    let asked = 0;
    const remove = onTrainingInterrupt(() => ++asked > 3);
    try {
      expect(() => train(m, 10)).toThrow(TrainingInterruptedError);
      expect(asked).toBe(4);
      asked = 0;
      const e = (() => {
        try {
          train(m, 10);
        } catch (x) {
          return x as TrainingInterruptedError;
        }
        return undefined;
      })();
      expect(e?.code).toBe('TRAINING_INTERRUPTED');
      expect(e?.step).toBe(3);
    } finally {
      remove();
      m.dispose();
    }
    expect(trainingInterrupted()).toBe(false);
  });

  it('a check that never stops leaves every weight bit as without it', () => {
    const a = Transformer.init(cfg, 5);
    const b = Transformer.init(cfg, 5);
    const la = train(a, 6).losses;
    const remove = onTrainingInterrupt(() => false);
    const lb = train(b, 6).losses;
    remove();
    expect(lb).toEqual(la);
    expect(weights(b)).toEqual(weights(a));
    a.dispose();
    b.dispose();
  });
});
