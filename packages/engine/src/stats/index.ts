// Key statistics of the MLP keys (ROME/MEMIT/AlphaEdit's covariance C), their file form and errors.
export { keyStatistics, keyStatsSamples } from './key-stats';
export type { KeyStatistics, KeyStatsCost, KeyStatsOptions } from './key-stats';
export { serializeKeyStats, deserializeKeyStats, keyStatsFileBytes } from './key-stats-file';
export { KeyStatsError } from './errors';
export type { KeyStatsErrorCode } from './errors';
