// Byte-level BPE tokenizer: training, HF tokenizer.json load/save.
export { BpeTokenizer } from './bpe';
export type { AddedToken, SerializableTokenizer, PreTokenization } from './bpe';
export { trainBpe } from './train';
export type { TrainBpeOptions } from './train';
export { loadTokenizer } from './load';
export { TokenizerError, TokenizerErrorCode } from './errors';
