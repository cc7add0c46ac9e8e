// A character-level tokenizer: the simplest Tokenizer, for demos and tests (real models use the BPE
// tokenizer in src/tokenizer/). Ids: 0 = pad, 1 = EOS, then one id per character of the alphabet.
import { ModelConfigError } from './errors';
import type { Tokenizer } from './tokenizer';

export class CharTokenizer implements Tokenizer {
  readonly padId = 0;
  readonly eosId = 1;
  readonly vocabSize: number;
  private readonly chars: string[];
  private readonly index: Map<string, number>;

  constructor(alphabet: string) {
    this.chars = [...new Set(alphabet)];
    this.index = new Map(this.chars.map((ch, i) => [ch, i + 2]));
    this.vocabSize = this.chars.length + 2;
  }

  /** The alphabet of every character in the texts, sorted. */
  static fromTexts(texts: readonly string[]): CharTokenizer {
    return new CharTokenizer([...new Set(texts.join(''))].sort().join(''));
  }

  encode(text: string): number[] {
    return [...text].map((ch) => {
      const id = this.index.get(ch);
      if (id === undefined) throw new ModelConfigError(`character '${ch}' is not in the tokenizer's alphabet`);
      return id;
    });
  }

  decode(ids: number[]): string {
    return ids.map((i) => (i >= 2 ? (this.chars[i - 2] ?? '') : '')).join('');
  }
}
