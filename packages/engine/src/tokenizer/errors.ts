// Errors of the BPE tokenizer (loading tokenizer.json, training options). Stable `code`s.

export class TokenizerError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export const TokenizerErrorCode = {
  /** tokenizer.json is unreadable, not JSON, or not a byte-level BPE model. */
  BAD_JSON: 'TOK_BAD_JSON',
  /** Training options are invalid (vocabulary too small, duplicate special tokens). */
  BAD_OPTIONS: 'TOK_BAD_OPTIONS',
  /** An id outside the vocabulary was given to decode. */
  BAD_ID: 'TOK_BAD_ID',
} as const;
