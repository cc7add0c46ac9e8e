// The tokenizer contract the model story codes against (train, generate, score). The tokenizer package
// (src/tokenizer/) provides real BPE tokenizers that satisfy it.

export interface Tokenizer {
  encode(text: string): number[];
  decode(ids: number[]): string;
  readonly vocabSize: number;
  readonly bosId?: number;
  readonly eosId: number;
  readonly padId: number;
}
