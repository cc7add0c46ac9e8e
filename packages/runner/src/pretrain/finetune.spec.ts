// The PISTOL finetune's context extension: a longer window keeps the base model's outputs on the
// positions it was trained on (GPT-2: copied position rows; Llama: RoPE, config only) and runs past it.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Transformer, type ModelConfig } from '@editlab/engine';
import { withContext } from './finetune';

const configs: ModelConfig[] = [
  { arch: 'gpt2', vocabSize: 40, dModel: 16, nLayers: 1, nHeads: 2, dMlp: 32, maxSeq: 8, tieEmbeddings: true },
  { arch: 'llama', vocabSize: 40, dModel: 16, nLayers: 1, nHeads: 2, dMlp: 32, maxSeq: 8 },
];

describe('withContext', () => {
  beforeAll(async () => {
    await initBackend();
  });
  it.each(configs.map((c) => [c.arch, c] as const))('%s: same logits on the old window, runs on the new one', (_, config) => {
    const base = Transformer.init(config, 3);
    const w = base.weights();
    const ext = withContext(config, w, 24);
    expect(ext.config.maxSeq).toBe(24);
    const long = Transformer.fromWeights(ext.config, ext.weights);
    const ids = tf.tensor2d([[1, 5, 7, 2, 9, 3, 4, 8]], [1, 8], 'int32');
    const a = base.forward(ids).arraySync();
    const b = long.forward(ids).arraySync();
    expect(b).toEqual(a);
    const ids20 = tf.tensor2d([Array.from({ length: 20 }, (_, i) => (i * 7) % 40)], [1, 20], 'int32');
    expect(long.forward(ids20).shape).toEqual([1, 20, 40]);
    expect(withContext(config, w, 8).weights).toBe(w);
    expect(() => withContext(config, w, 4)).toThrow(/below the base/);
    tf.dispose([ids, ids20]);
    base.dispose();
    long.dispose();
  });
});
