// Test helpers for the model story: tiny configs and a char-level tokenizer (not exported from index).
import type { ModelConfig } from './config';
import type { Tokenizer } from './tokenizer';

export function tinyConfig(arch: 'gpt2' | 'llama', over: Partial<ModelConfig> = {}): ModelConfig {
  return { arch, vocabSize: 40, dModel: 32, nLayers: 2, nHeads: 4, dMlp: 64, maxSeq: 48, ...over };
}

/** Char-level tokenizer: id 0 = pad, 1 = eos, 2.. = the alphabet's characters. */
export class CharTokenizer implements Tokenizer {
  readonly padId = 0;
  readonly eosId = 1;
  readonly vocabSize: number;
  private readonly chars: string[];

  constructor(alphabet = " abcdefghijklmnopqrstuvwxyz.,'?") {
    this.chars = [...alphabet];
    this.vocabSize = this.chars.length + 2;
  }

  encode(text: string): number[] {
    return [...text].map((ch) => {
      const i = this.chars.indexOf(ch);
      if (i < 0) throw new Error(`character '${ch}' not in the test alphabet`);
      return i + 2;
    });
  }

  decode(ids: number[]): string {
    return ids.map((i) => (i >= 2 ? this.chars[i - 2]! : '')).join('');
  }
}
