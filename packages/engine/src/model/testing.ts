// Test helpers for the model story (not exported from index).
import { CharTokenizer } from './char-tokenizer';
import type { ModelConfig } from './config';

export function tinyConfig(arch: 'gpt2' | 'llama', over: Partial<ModelConfig> = {}): ModelConfig {
  return { arch, vocabSize: 40, dModel: 32, nLayers: 2, nHeads: 4, dMlp: 64, maxSeq: 48, ...over };
}

/** The char-level tokenizer the specs use: pad 0, EOS 1, then " a-z.,'?". */
export function testTokenizer(): CharTokenizer {
  return new CharTokenizer(" abcdefghijklmnopqrstuvwxyz.,'?");
}
