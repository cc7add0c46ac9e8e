// BPE tokenizer (byte-level, or SentencePiece-style with byte fallback): training, HF tokenizer.json load/save.
export { BpeTokenizer } from './bpe';
export type { AddedToken, SerializableTokenizer, BpeModelOptions } from './bpe';
export type { PreTokenization } from './pipeline';
export { trainBpe } from './train';
export type { TrainBpeOptions } from './train';
export { loadTokenizer } from './load';
export { TokenizerError, TokenizerErrorCode } from './errors';
