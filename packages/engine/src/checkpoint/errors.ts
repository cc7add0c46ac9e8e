// Errors of checkpoint reading/writing. Each carries a stable `code`; messages name the file and tensor.

export class CheckpointError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Stable codes of CheckpointError. */
export const CheckpointErrorCode = {
  /** The safetensors header is malformed (length, JSON, entry fields). */
  BAD_HEADER: 'CKPT_BAD_HEADER',
  /** A tensor's dtype is not one we read (F32, F16, BF16). */
  BAD_DTYPE: 'CKPT_BAD_DTYPE',
  /** A tensor's data offsets are out of range, overlap, or disagree with shape × dtype. */
  BAD_OFFSETS: 'CKPT_BAD_OFFSETS',
  /** config.json is missing, unreadable or describes an unsupported model. */
  BAD_CONFIG: 'CKPT_BAD_CONFIG',
  /** Tensor names or shapes do not match the model the config describes. */
  BAD_TENSORS: 'CKPT_BAD_TENSORS',
  /** A file the checkpoint needs is missing. */
  MISSING_FILE: 'CKPT_MISSING_FILE',
} as const;
