// The bench model on the engine's own code: Transformer (GPT-2 style, tied head), the training loop's
// step (makeBatch → tf.variableGrads(nextTokenNll) → adam().applyGradients → loss read back, as in
// train/loop.ts) and generateIds with the KV cache (LM head transposed once per call).
import * as tf from '@tensorflow/tfjs';
import { adam, disposeBatch, generateIds, makeBatch, nextTokenNll, Transformer, type TokenExample } from '@editlab/engine';
import { GEN, type BenchSize } from './sizes';

function randomIds(n: number, vocab: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % vocab;
  });
}

export function engineModel(s: BenchSize, seed = 1) {
  const model = Transformer.init({
    arch: s.arch?.arch ?? 'gpt2', vocabSize: s.vocab, dModel: s.d, nLayers: s.layers, nHeads: s.heads, dMlp: s.arch?.dMlp ?? 4 * s.d,
    maxSeq: s.seq + GEN.promptLen + GEN.newTokens,
  }, seed);
  const vars = [...model.params.values()];
  const opt = adam(3e-4, 0.9, 0.999, 1e-8);
  // B sequences of T+1 random tokens; the first T/8 predictions of each are masked out (~1/8, as the probe).
  const examples: TokenExample[] = Array.from({ length: s.batch }, (_, b) => ({
    ids: randomIds(s.seq + 1, s.vocab, seed * 1000 + b),
    lossFrom: 1 + Math.floor(s.seq / 8),
  }));
  const prompts = Array.from({ length: GEN.prompts }, (_, i) => randomIds(GEN.promptLen, s.vocab, seed * 7 + i));
  return {
    step(): number {
      const batch = makeBatch(examples, 0);
      const { value, grads } = tf.variableGrads(() => nextTokenNll(model, batch), vars);
      opt.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
      const loss = value.dataSync()[0]!; // sync point
      tf.dispose([value, ...Object.values(grads)]);
      disposeBatch(batch);
      return loss;
    },
    generate(): number[][] {
      return generateIds(model, prompts, { maxNewTokens: GEN.newTokens, padId: 0, useCache: true });
    },
    dispose(): void {
      opt.dispose();
      model.dispose();
    },
  };
}
