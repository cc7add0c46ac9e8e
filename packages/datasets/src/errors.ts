// Errors of the datasets package: each has a stable `code`; user-facing messages name the file,
// the record index and the field, never a stack trace.

export type DatasetErrorCode =
  | 'DATASET_READ'
  | 'DATASET_PARSE'
  | 'DATASET_MALFORMED'
  | 'DATASET_UNKNOWN_FORMAT'
  | 'DATASET_UNDETECTED'
  | 'WORLD_SIZE'
  | 'WORLD_VERSION';

/** One malformed record: where it is and what is wrong. */
export interface MalformedRecord {
  readonly file: string;
  /** 0-based record index (JSON array element, JSON Lines line, CSV data row). */
  readonly index: number;
  readonly field: string;
  readonly message: string;
}

export class DatasetError extends Error {
  readonly code: DatasetErrorCode;
  readonly malformed: readonly MalformedRecord[];
  constructor(code: DatasetErrorCode, message: string, malformed: readonly MalformedRecord[] = []) {
    super(message);
    this.name = 'DatasetError';
    this.code = code;
    this.malformed = malformed;
  }
}

/** "file: record 3, field `alt`: expected a string" lines, at most `max` of them. */
export function describeMalformed(m: readonly MalformedRecord[], max = 20): string {
  const lines = m.slice(0, max).map((r) => `${r.file}: record ${r.index}, field \`${r.field}\`: ${r.message}`);
  if (m.length > max) lines.push(`… and ${m.length - max} more malformed records`);
  return lines.join('\n');
}

export function malformedError(m: readonly MalformedRecord[]): DatasetError {
  return new DatasetError('DATASET_MALFORMED', `${m.length} malformed record(s):\n${describeMalformed(m)}`, m);
}
