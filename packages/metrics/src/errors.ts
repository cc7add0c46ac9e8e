// Errors of the metrics package: each has a stable `code`; messages name the metric, the record
// index and the field, never a stack trace.

export type MetricsErrorCode =
  | 'METRIC_UNKNOWN'
  | 'METRIC_BAD_INPUT'
  | 'METRIC_BAD_OPTIONS'
  | 'METRIC_SCORER';

export class MetricsError extends Error {
  readonly code: MetricsErrorCode;
  constructor(code: MetricsErrorCode, message: string) {
    super(message);
    this.name = 'MetricsError';
    this.code = code;
  }
}

/** Throw METRIC_BAD_INPUT naming the metric, record and field. */
export function badInput(metric: string, index: number, field: string, message: string): never {
  throw new MetricsError('METRIC_BAD_INPUT', `${metric}: record ${index}, field "${field}": ${message}`);
}
