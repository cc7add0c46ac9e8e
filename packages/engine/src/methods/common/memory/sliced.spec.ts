// trainSliced (./sliced.ts): a side model's training in slices with a turn between them — the same steps as
// one trainLoop call, and the caller's `progress` (StageInput.progress) told the steps done after each slice.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../backend/index';
import { testTokenizer, tinyConfig } from '../../../model/testing';
import { Transformer } from '../../../model/transformer';
import { encodePairs } from '../../../train/batch';
import { trainLoop } from '../../../train/loop';
import { nll } from '../../../train/objective';
import { makeOptimizer } from '../../../train/optimizer';
import { exampleStream } from '../../../train/streams';
import { trainSliced } from './sliced';

beforeAll(async () => {
  await initBackend();
});

const tok = testTokenizer();
const cfg = tinyConfig('gpt2', { vocabSize: tok.vocabSize, nLayers: 1, dModel: 16, dMlp: 32, nHeads: 2 });
const examples = encodePairs(tok, ['ab', 'cd', 'ef', 'gh'].map((x) => ({ prompt: `${x} is`, target: ` ${x}.` })));
const stream = () => exampleStream(examples, { batchSize: 2, seed: 3, padId: tok.padId, vocabSize: tok.vocabSize });
const weightsOf = (m: Transformer) => [...m.params.values()].map((v) => Array.from(v.dataSync()));

describe('trainSliced', () => {
  it('trains as one loop would, telling progress the steps done after each slice', async () => {
    const whole = Transformer.init(cfg, 1);
    const opt = makeOptimizer('adam', 1e-2);
    const one = trainLoop(whole, { train: stream() }, nll('train'), { lr: 1e-2, steps: 25, optimizer: opt });
    opt.dispose();

    const sliced = Transformer.init(cfg, 1);
    const told: string[] = [];
    const r = await trainSliced(sliced, { train: stream() }, nll('train'), { lr: 1e-2, steps: 25 }, 10, async (done, total) => void told.push(`${done}/${total}`));
    expect(told).toEqual(['10/25', '20/25', '25/25']);
    expect(r.losses).toEqual(one.losses);
    expect(weightsOf(sliced)).toEqual(weightsOf(whole));
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]!);
    whole.dispose();
    sliced.dispose();
  });

  it('stops when progress rejects (an aborted run), disposing its optimizer and streams', async () => {
    const m = Transformer.init(cfg, 1);
    const stop = new Error('aborted');
    let calls = 0;
    await expect(trainSliced(m, { train: stream() }, nll('train'), { lr: 1e-2, steps: 25 }, 10, async () => {
      calls++;
      throw stop;
    })).rejects.toBe(stop);
    expect(calls).toBe(1);
    m.dispose();
  });
});
