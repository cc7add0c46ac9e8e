// The frozen prefix (model/prefix.ts): where a phase's passes resume, and that resuming changes no bit of the
// losses or the trained weights — for W_out alone (resume at mlp_post), an MLP (resid_mid) and an attention
// block (resid_pre), GPT-2 and Llama style, with batches that change from step to step.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index';
import { ModelConfigError } from '../model/errors';
import { resumePoint } from '../model/prefix';
import { testTokenizer, tinyConfig } from '../model/testing';
import { Transformer } from '../model/transformer';
import { encodePairs } from './batch';
import { trainLoop } from './loop';
import { nll } from './objective';
import { exampleStream } from './streams';

beforeAll(async () => {
  await initBackend();
});

const tok = testTokenizer();
const examples = encodePairs(tok, ['ab', 'cd', 'ef', 'gh'].map((x) => ({ prompt: `the ${x} is`, target: ` ${x}.` })));

describe('resumePoint', () => {
  it('is the first trained weight of the earliest block: W_out alone at mlp_post, an MLP at resid_mid, attention at resid_pre', () => {
    expect(resumePoint(['blocks.2.mlp.W_out'])).toEqual({ layer: 2, at: 'mlp_post' });
    expect(resumePoint(['blocks.2.mlp.W_out', 'blocks.2.mlp.b_out'])).toEqual({ layer: 2, at: 'mlp_post' });
    expect(resumePoint(['blocks.3.mlp.W_out', 'blocks.1.mlp.W_in'])).toEqual({ layer: 1, at: 'resid_mid' });
    expect(resumePoint(['blocks.1.ln2.w', 'blocks.1.mlp.W_out'])).toEqual({ layer: 1, at: 'resid_mid' });
    expect(resumePoint(['blocks.2.mlp.W_out', 'blocks.1.attn.W_Q'])).toEqual({ layer: 1, at: 'resid_pre' });
  });
  it('is undefined when a weight outside the blocks is trained or block 0 attention is (nothing to save)', () => {
    expect(resumePoint(['blocks.2.mlp.W_out', 'embed.W_E'])).toBeUndefined();
    expect(resumePoint(['ln_final.w'])).toBeUndefined();
    expect(resumePoint(['blocks.0.ln1.w'])).toBeUndefined();
    expect(resumePoint([])).toBeUndefined();
    expect(resumePoint(['blocks.0.mlp.W_in'])).toEqual({ layer: 0, at: 'resid_mid' });
  });
});

function run(arch: 'gpt2' | 'llama', params: string[], frozenPrefix: boolean, batchSize?: number): { losses: number[]; weights: Float32Array[]; hits: number[] } {
  const model = Transformer.init(tinyConfig(arch, { vocabSize: tok.vocabSize, nLayers: 3 }), 11);
  const hits: number[] = [];
  try {
    // Without a batch size: every example, in one fixed order; with one: 2 examples, shuffled, one per batch.
    const stream = batchSize ? exampleStream(examples.slice(0, 2), { seed: 5, batchSize }) : exampleStream(examples, { seed: 5, shuffle: false });
    const r = trainLoop(model, { train: stream }, nll(), {
      params, lr: 1e-2, steps: 6, frozenPrefix, onStep: () => void hits.push(model.prefixHits),
    });
    return { losses: r.losses, weights: [...model.params.values()].map((v) => v.dataSync() as Float32Array), hits };
  } finally {
    model.dispose();
  }
}

describe('a phase with a frozen prefix', () => {
  const cases: Array<[string, 'gpt2' | 'llama', string[], number[]]> = [
    ['W_out alone (mlp_post), GPT-2, one fixed batch', 'gpt2', ['blocks.1.mlp.W_out'], [0, 1, 2, 3, 4, 5]],
    ['an MLP (resid_mid), Llama', 'llama', ['blocks.1.mlp.W_gate', 'blocks.1.mlp.W_in', 'blocks.1.mlp.W_out', 'blocks.2.mlp.W_out'], [0, 1, 2, 3, 4, 5]],
    ['attention and later weights (resid_pre), GPT-2', 'gpt2', ['blocks.1.attn.W_Q', 'blocks.1.attn.b_Q', 'blocks.2.mlp.W_in'], [0, 1, 2, 3, 4, 5]],
  ];
  for (const [name, arch, params, hits] of cases) {
    it(`${name}: the same losses and weights to the bit as full passes, resuming from the second step`, () => {
      const full = run(arch, params, false);
      const fast = run(arch, params, true);
      expect(fast.losses).toEqual(full.losses);
      fast.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(full.weights[i]!.buffer))).toBe(true));
      expect(full.hits).toEqual([0, 0, 0, 0, 0, 0]);
      expect(fast.hits).toEqual(hits);
      expect(full.losses[5]).toBeLessThan(full.losses[0]!); // it trained
    });
  }
  it('remembers each batch of a shuffled stream (2 examples, one per batch): a hit once a batch recurs, same bits', () => {
    const params = ['blocks.2.mlp.W_out'];
    const full = run('llama', params, false, 1);
    const fast = run('llama', params, true, 1);
    expect(fast.losses).toEqual(full.losses);
    fast.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(full.weights[i]!.buffer))).toBe(true));
    expect(fast.hits.slice(0, 1)).toEqual([0]);
    expect(fast.hits[5]).toBe(4); // steps 0 and 1 compute the two prefixes, steps 2-5 resume
  });
  it('runs full passes while a patch is installed, and a resumed pass refuses patches', () => {
    const model = Transformer.init(tinyConfig('gpt2', { vocabSize: tok.vocabSize, nLayers: 3 }), 11);
    const undo = model.addPatch('blocks.0.hook_mlp_out', (x) => tf.mul(x, 0.5));
    const hits: number[] = [];
    trainLoop(model, { train: exampleStream(examples, { seed: 5, shuffle: false }) }, nll(), {
      params: ['blocks.2.mlp.W_out'], lr: 1e-2, steps: 3, onStep: () => void hits.push(model.prefixHits),
    });
    expect(hits).toEqual([0, 0, 0]);
    const ids = Transformer.idsTensor([[2, 3, 4]]);
    const x = tf.zeros([3, model.config.dModel]) as tf.Tensor2D;
    expect(() => model.forward(ids, { resume: { layer: 1, at: 'resid_mid', x } })).toThrow(ModelConfigError);
    undo();
    expect(() => model.forward(ids, { resume: { layer: 1, at: 'mlp_post', x } })).toThrow(/PrefixState.post/);
    tf.dispose([ids, x]);
    model.dispose();
  });
  it('releases what it remembered when the phase ends', () => {
    const model = Transformer.init(tinyConfig('gpt2', { vocabSize: tok.vocabSize, nLayers: 3 }), 11);
    trainLoop(model, { train: exampleStream(examples, { seed: 5 }) }, nll(), { params: ['blocks.2.mlp.W_out'], lr: 1e-2, steps: 2 });
    const before = tf.memory().numTensors;
    trainLoop(model, { train: exampleStream(examples, { seed: 5 }) }, nll(), { params: ['blocks.2.mlp.W_out'], lr: 1e-2, steps: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.prefixHits).toBe(0);
    model.dispose();
  });
});
