// Every error the runner raises on purpose. Each has a stable `code` so the CLI maps it to an exit
// code and a one-paragraph message; user mistakes never reach the terminal as a stack trace.

export type RunnerErrorCode =
  | 'SPEC_INVALID'
  | 'USAGE'
  | 'CACHE'
  | 'DATA'
  | 'NETWORK'
  | 'SHARD'
  | 'CSV'
  | 'PLOT'
  | 'RESULTS'
  | 'NOT_AVAILABLE'
  | 'PORTABLE'
  | 'ABORTED';

export class RunnerError extends Error {
  readonly code: RunnerErrorCode;
  constructor(code: RunnerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunnerError';
    this.code = code;
  }
}

/** Where in which file a problem is: 1-based line and column. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One problem found in a spec: position, JSON path, message and an optional hint. */
export interface SpecDiagnostic {
  readonly pos: SourcePos;
  /** JSON pointer into the resolved spec ("" for the root), e.g. "/methods/0/params/lr". */
  readonly path: string;
  readonly message: string;
  /** "did you mean 'ft'?" or "allowed: a, b, c". */
  readonly hint?: string;
}

export function formatDiagnostic(d: SpecDiagnostic): string {
  const where = `${d.pos.file}:${d.pos.line}:${d.pos.col}`;
  return `${where}: ${d.path || '/'}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
}

export class SpecError extends RunnerError {
  readonly diagnostics: readonly SpecDiagnostic[];
  constructor(diagnostics: readonly SpecDiagnostic[]) {
    super('SPEC_INVALID', diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'SpecError';
    this.diagnostics = diagnostics;
  }
}

export class UsageError extends RunnerError {
  constructor(message: string) {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}
